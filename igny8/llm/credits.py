"""Tokens → credits, per operation (SPEC §4 Credits), and the ledger that records every metered call."""

from __future__ import annotations

import math
from dataclasses import dataclass

import psycopg


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


def record_usage(
    conn: psycopg.Connection,
    usage: Usage,
    *,
    account_id: int | None,
    site_id: int | None,
    idempotency_key: str | None,
) -> bool:
    """Write one ledger row; a repeated ``idempotency_key`` charges nothing. Returns True if charged."""
    cursor = conn.execute(
        "INSERT INTO credit_ledger (account_id, site_id, operation, agent_role, model, prompt_tokens,"
        " completion_tokens, credits, idempotency_key) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (idempotency_key) DO NOTHING",
        (
            account_id,
            site_id,
            usage.operation,
            usage.agent_role,
            usage.model,
            usage.prompt_tokens,
            usage.completion_tokens,
            usage.credits,
            idempotency_key,
        ),
    )
    return cursor.rowcount == 1


def credits_spent(conn: psycopg.Connection, *, account_id: int | None = None, site_id: int | None = None) -> int:
    row = conn.execute(
        "SELECT coalesce(sum(credits), 0) AS total FROM credit_ledger"
        " WHERE (%(a)s::bigint IS NULL OR account_id = %(a)s) AND (%(s)s::bigint IS NULL OR site_id = %(s)s)",
        {"a": account_id, "s": site_id},
    ).fetchone()
    assert row is not None
    value = row["total"] if isinstance(row, dict) else row[0]
    return int(value)
