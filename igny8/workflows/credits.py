"""What a person or the API asks of credits: the balance with its plan, a grant (or a plan change), the history.

The limiting itself happens where the credits are spent: every metered model call reserves before it starts
and settles after (igny8/llm/credits.py); this module only reads and adds."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from igny8.config import Settings
from igny8.domain.plans import PLANS, plan_named
from igny8.llm.credits import credit_period
from igny8.memory import credit_accounts
from igny8.memory.database import Database
from igny8.memory.tenancy import NotFound, account_exists

MAX_GRANT = 10_000_000


class CreditRequestError(ValueError):
    """A grant or plan change that cannot be applied; the text says what to fix."""


@dataclass(frozen=True, slots=True)
class BalanceView:
    account_id: int
    plan: str
    plan_price_usd_per_site: int
    monthly_credits_per_site: int
    site_limit: int
    balance: int
    held: int
    available: int
    balance_usd: float
    granted_total: int
    charged_total: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _open(conn: Any, account_id: int, default_plan: str) -> credit_accounts.CreditBalance:
    if not account_exists(conn, account_id=account_id):
        raise NotFound(f"account {account_id} not found")
    return credit_accounts.open_account(conn, account_id=account_id, default_plan=default_plan, period=credit_period())


def credit_balance(database: Database, *, account_id: int, default_plan: str, credit_price_usd: float) -> BalanceView:
    with database.connection() as conn:
        account = _open(conn, account_id, default_plan)
        totals = credit_accounts.totals(conn, account_id=account_id)
    plan = plan_named(account.plan)
    return BalanceView(
        account_id=account_id,
        plan=plan.name,
        plan_price_usd_per_site=plan.price_usd_per_site,
        monthly_credits_per_site=plan.monthly_credits_per_site,
        site_limit=plan.site_limit,
        balance=account.balance,
        held=account.held,
        available=account.available,
        balance_usd=round(account.balance * credit_price_usd, 2),
        granted_total=totals["granted"],
        charged_total=totals["charged"],
    )


def account_balance(database: Database, settings: Settings, *, account_id: int) -> BalanceView:
    """The balance with this installation's default plan and credit price."""
    return credit_balance(
        database, account_id=account_id, default_plan=settings.default_plan, credit_price_usd=settings.credit_price_usd
    )


def grant(
    database: Database,
    *,
    account_id: int,
    credits: int | None,
    plan: str | None,
    reason: str,
    default_plan: str,
    key: str | None = None,
) -> bool:
    """Add credits and/or change the plan. With ``key`` a repeated grant adds nothing. True if credits were added."""
    if credits is None and plan is None:
        raise CreditRequestError("say what to grant: --credits N, --plan lite|pro, or both")
    if credits is not None and not 1 <= credits <= MAX_GRANT:
        raise CreditRequestError(f"--credits must be between 1 and {MAX_GRANT:,}")
    reason = " ".join(reason.split())
    if not 1 <= len(reason) <= 200:
        raise CreditRequestError("--reason must be 1–200 characters")
    if plan is not None:
        try:
            plan = plan_named(plan).name
        except ValueError as exc:
            raise CreditRequestError(str(exc)) from exc
    if key is not None and not 1 <= len(key) <= 200:
        raise CreditRequestError("the grant's idempotency key must be 1–200 characters")
    with database.connection() as conn:
        _open(conn, account_id, default_plan)
        if plan is not None:
            credit_accounts.set_plan(conn, account_id=account_id, plan=plan)
        if credits is None:
            return False
        scoped_key = f"grant:{account_id}:{key}" if key else None
        return credit_accounts.grant_credits(
            conn, account_id=account_id, credits=credits, reason=reason, key=scoped_key
        )


def credit_history(database: Database, *, account_id: int, default_plan: str, limit: int = 50) -> list[dict[str, Any]]:
    if not 1 <= limit <= 1000:
        raise CreditRequestError("--limit must be between 1 and 1000")
    with database.connection() as conn:
        _open(conn, account_id, default_plan)
        rows = credit_accounts.history(conn, account_id=account_id, limit=limit)
    return [{**r, "created_at": r["created_at"].isoformat()} for r in rows]


def plans_table() -> list[dict[str, Any]]:
    return [asdict(plan) for plan in PLANS.values()]
