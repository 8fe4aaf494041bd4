"""Text that PostgreSQL can store: the base of every model that takes input from outside."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, field_validator


def has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(has_nul(v) for v in value)
    return False


class InputModel(BaseModel):
    """Unknown fields are refused, and so is a NUL character anywhere (PostgreSQL text cannot hold one)."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if has_nul(value):
            raise ValueError("contains a NUL character")
        return value


BIGINT_MAX = 2**63 - 1
DbId = Annotated[int, Field(ge=1, le=BIGINT_MAX)]  # a PostgreSQL bigserial id
Count = Annotated[int, Field(ge=0, le=2**31 - 1)]


_SENTENCE_END = re.compile(  # not after an honorific: "Dr. Lena Petrov" stays one sentence, and is caught
    r"(?<!\bDr\.)(?<!\bMr\.)(?<!\bMs\.)(?<!\bMrs\.)(?<!\bProf\.)(?<!\bSt\.)(?<=[.!?])\s+(?=[A-Z0-9\"“(])"
)


def split_sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(re.sub(r"\s+", " ", text).strip()) if s.strip()]


def normalised(sentence: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", sentence.lower()))
