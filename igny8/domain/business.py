"""A business's own details, from a YAML/JSON file or the chat, used to fill and prune the template."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field

from igny8.domain.text import InputModel

_BAD = re.compile(r"[(){}\[\]\\;<>|=*]")


def _clean_item(value: str) -> str:
    value = re.sub(r"\s+", " ", value).strip()
    if len(value) < 2:
        raise ValueError("must be at least 2 characters")
    if len(value.split()) > 5:
        raise ValueError(f"{value!r} is longer than 5 words; name the thing as a visitor would search for it")
    if _BAD.search(value):
        raise ValueError(f"{value!r} contains characters that do not belong in a page name")
    return value


Item = Annotated[str, Field(max_length=60), AfterValidator(_clean_item)]


class BusinessDetails(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str | None = Field(default=None, max_length=200)
    products: list[Item] = Field(default_factory=list, max_length=50)
    services: list[Item] = Field(default_factory=list, max_length=50)
    brands: list[Item] = Field(default_factory=list, max_length=30)
    locations: list[Item] = Field(default_factory=list, max_length=30)
    problems: list[Item] = Field(default_factory=list, max_length=30)
    exclude: list[Item] = Field(
        default_factory=list,
        max_length=50,
        description="values to remove from the template (things the business does not do)",
    )

    def is_empty(self) -> bool:
        return not any((self.products, self.services, self.brands, self.locations, self.problems, self.exclude))
