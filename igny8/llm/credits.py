"""Tokens → credits, per operation (SPEC §4 Credits), and the ledger that records every metered call."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any

import psycopg

from igny8.memory import credit_ledger


@dataclass(frozen=True, slots=True)
class CreditRate:
    tokens_per_credit: int
    minimum_credits: int


# The plan's figures for content, clustering and images; the rest are ours, on the same scale.
CREDIT_RATES: dict[str, CreditRate] = {
    "content_generation": CreditRate(100, 3),
    "clustering": CreditRate(150, 2),
    "image_generation": CreditRate(50, 5),
    "image_prompts": CreditRate(100, 1),
    "attribute_discovery": CreditRate(150, 2),
    "idea_generation": CreditRate(150, 2),
    "internal_linking": CreditRate(200, 1),
    "optimization": CreditRate(100, 2),
    "social_posts": CreditRate(200, 1),
    "video_script": CreditRate(100, 2),
    "chat": CreditRate(200, 1),
}


class UnknownOperation(ValueError):
    pass


def credits_for(operation: str, total_tokens: int) -> int:
    rate = CREDIT_RATES.get(operation)
    if rate is None:
        raise UnknownOperation(f"no credit rate for operation {operation!r}; known: {', '.join(sorted(CREDIT_RATES))}")
    return max(rate.minimum_credits, math.ceil(total_tokens / rate.tokens_per_credit))


@dataclass(frozen=True, slots=True)
class Usage:
    operation: str
    agent_role: str
    model: str
    prompt_tokens: int
    completion_tokens: int

    @property
    def credits(self) -> int:
        return credits_for(self.operation, self.prompt_tokens + self.completion_tokens)

    def ledger_fields(self) -> dict[str, Any]:
        """The ledger row's columns that describe the call (who pays is the caller's)."""
        return {**dataclasses.asdict(self), "credits": self.credits}


@dataclass(frozen=True, slots=True)
class Meter:
    """Who pays for a call, and the key that makes a repeated call charge once."""

    account_id: int | None = None
    site_id: int | None = None
    idempotency_key: str | None = None

    def part(self, suffix: str | int) -> Meter:
        """The same payer with a key for one part of the operation (one attempt, one target)."""
        if self.idempotency_key is None:
            return self
        return Meter(self.account_id, self.site_id, f"{self.idempotency_key}:{suffix}")


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    model: str
    prompt_tokens: int
    completion_tokens: int


@dataclass(frozen=True, slots=True)
class GeneratedImage:
    """An image's bytes and the tokens it cost (zero where the provider reports none, e.g. DALL-E)."""

    data: bytes
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0


def record_usage(
    conn: psycopg.Connection,
    usage: Usage,
    *,
    account_id: int | None,
    site_id: int | None,
    idempotency_key: str | None,
) -> bool:
    """Write one ledger row; a repeated ``idempotency_key`` charges nothing. Returns True if charged."""
    return credit_ledger.insert_ledger_row(
        conn, account_id=account_id, site_id=site_id, idempotency_key=idempotency_key, **usage.ledger_fields()
    )
