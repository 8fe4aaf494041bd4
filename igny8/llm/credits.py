"""Tokens → credits, per operation (SPEC §4 Credits), and the ledger that records every metered call."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import psycopg

from igny8.memory import credit_accounts, credit_ledger

if TYPE_CHECKING:
    from igny8.memory.database import Database


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


# --- credits that limit: reservation before work, settlement after ---
# Tokens set aside before an operation starts (its usual cost with room to spare); the settlement charges
# what the calls really used. Operations not listed reserve DEFAULT_RESERVATION_TOKENS.
RESERVATION_TOKENS: dict[str, int] = {"content_generation": 12_000, "image_generation": 500, "optimization": 6_000}
DEFAULT_RESERVATION_TOKENS = 3_000
STALE_RESERVATION_S = 900.0  # a hold older than this belongs to work that died; it is released


class OutOfCredits(RuntimeError):
    """The account cannot pay for the next operation: the run stops before it, with what to do."""

    def __init__(self, *, account_id: int, operation: str, needed: int, available: int) -> None:
        self.account_id, self.operation, self.needed, self.available = account_id, operation, needed, available
        super().__init__(
            f"out of credits: account {account_id} has {available} credit(s) available and the next "
            f"{operation.replace('_', ' ')} needs up to {needed}; nothing more was started and what is done is "
            f"kept. Add credits with `igny8 credits grant --account {account_id} --credits N` (or upgrade the plan"
            " with `--plan pro`), then run the same command again: it continues where it stopped"
        )


def credit_period(now: datetime | None = None) -> str:
    """The month (UTC, YYYY-MM) whose plan allowance applies."""
    return (now or datetime.now(UTC)).strftime("%Y-%m")


def reservation_for(operation: str) -> int:
    return credits_for(operation, RESERVATION_TOKENS.get(operation, DEFAULT_RESERVATION_TOKENS))


def reserve_credits(conn: psycopg.Connection, operation: str, meter: Meter, *, default_plan: str = "lite") -> None:
    """Set the operation's credits aside before its work starts, or raise OutOfCredits. A key already
    reserved or already charged (a resumed item) needs nothing more; a payer-less meter is not limited."""
    if meter.account_id is None:
        return
    needed = reservation_for(operation)
    account = credit_accounts.open_account(
        conn, account_id=meter.account_id, default_plan=default_plan, period=credit_period()
    )
    if credit_accounts.release_stale(conn, account_id=meter.account_id, older_than_s=STALE_RESERVATION_S):
        account = credit_accounts.open_account(
            conn, account_id=meter.account_id, default_plan=default_plan, period=credit_period()
        )
    if meter.idempotency_key is not None:
        status = credit_accounts.reservation_status(conn, key=meter.idempotency_key)
        if status in ("held", "settled"):
            return
    if account.available < needed:
        raise OutOfCredits(account_id=meter.account_id, operation=operation, needed=needed, available=account.available)
    if meter.idempotency_key is not None:
        credit_accounts.hold(
            conn,
            account=account,
            site_id=meter.site_id,
            key=meter.idempotency_key,
            operation=operation,
            credits=needed,
        )


def release_credits(conn: psycopg.Connection, meter: Meter) -> None:
    """The operation failed: its hold goes back to the account (nothing is charged)."""
    if meter.account_id is not None and meter.idempotency_key is not None:
        credit_accounts.release(conn, key=meter.idempotency_key)


@contextmanager
def reserved(database: Database | None, operation: str, meter: Meter | None, *, default_plan: str) -> Iterator[None]:
    """Reserve before the work in the block, release if it fails; the settlement is the charge's ledger row."""
    if database is None or meter is None or meter.account_id is None:
        yield
        return
    with database.connection() as conn:
        reserve_credits(conn, operation, meter, default_plan=default_plan)
    try:
        yield
    except BaseException:
        with database.connection() as conn:
            release_credits(conn, meter)
        raise


def record_usage(
    conn: psycopg.Connection,
    usage: Usage,
    *,
    account_id: int | None,
    site_id: int | None,
    idempotency_key: str | None,
    default_plan: str = "lite",
) -> bool:
    """Write one ledger row and lower the payer's balance by it, in one transaction (the settlement of the
    key's reservation); a repeated ``idempotency_key`` charges nothing. Returns True if charged."""
    row = {"account_id": account_id, "site_id": site_id, "idempotency_key": idempotency_key, **usage.ledger_fields()}
    if account_id is None:
        return credit_ledger.insert_ledger_row(conn, **row)
    account = credit_accounts.open_account(
        conn, account_id=account_id, default_plan=default_plan, period=credit_period()
    )
    return credit_accounts.settle(conn, account=account, row=row) is not None
