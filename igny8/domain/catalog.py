"""Industries, sectors and sector attribute templates, as authored in the catalog's data files."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

# Values that cannot carry a landing page of their own.
THIN_VALUES = {
    "other",
    "others",
    "general",
    "misc",
    "miscellaneous",
    "various",
    "n/a",
    "na",
    "all",
    "more",
    "none",
    "etc",
    "any",
    "unknown",
    "default",
    "standard",
    "other options",
    "near me",
}

SiteType = Literal["ecommerce", "local_service", "saas", "blog"]
SITE_TYPES: tuple[SiteType, ...] = ("ecommerce", "local_service", "saas", "blog")
AttributeLevel = Literal["primary", "secondary", "tertiary"]
LEVELS: tuple[AttributeLevel, ...] = ("primary", "secondary", "tertiary")
AttributeKind = Literal["category", "problem", "feature", "brand", "location", "audience", "price", "use_case"]
Intent = Literal["informational", "commercial", "transactional", "navigational"]
TemplateSource = Literal["system", "ai_generated", "user_contributed"]

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
ATTRIBUTE_SLUG_PATTERN = r"^[a-z][a-z0-9_]*$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SectorInfo(Strict):
    slug: str = Field(pattern=SLUG_PATTERN, max_length=80)
    name: str = Field(min_length=2, max_length=100)
    site_types: list[SiteType] = Field(min_length=1)


class Industry(Strict):
    slug: str = Field(pattern=SLUG_PATTERN, max_length=80)
    name: str = Field(min_length=2, max_length=100)
    sectors: list[SectorInfo] = Field(min_length=1)


class AttributeSpec(Strict):
    slug: str = Field(pattern=ATTRIBUTE_SLUG_PATTERN, max_length=40)
    name: str = Field(min_length=2, max_length=60)
    level: AttributeLevel
    kind: AttributeKind
    values: list[str]


class KeywordTemplate(Strict):
    pattern: str = Field(min_length=3, max_length=120)
    intent: Intent
    modifiers: list[str] = Field(default_factory=list)
    only: dict[str, list[str]] = Field(default_factory=dict)
    exclude: list[list[str]] = Field(default_factory=list)


class SectorTemplate(Strict):
    sector: str = Field(pattern=SLUG_PATTERN)
    industry: str = Field(pattern=SLUG_PATTERN)
    source: TemplateSource = "system"
    attributes: list[AttributeSpec]
    keyword_templates: list[KeywordTemplate]

    def attribute(self, slug: str) -> AttributeSpec | None:
        return next((a for a in self.attributes if a.slug == slug), None)
