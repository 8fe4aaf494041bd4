"""Credit balances, grants and reservations. Every change of a balance happens with the account's row locked
(``FOR UPDATE``), in the same transaction as the grant or ledger row that explains it, so the balance always
equals the grants minus the ledger's charges, and concurrent workers (threads, Ray processes) cannot overdraw.

What an operation costs is decided in llm/credits.py; plans in domain/plans.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from igny8.domain.plans import plan_named
from igny8.memory import credit_ledger


@dataclass(frozen=True, slots=True)
class CreditBalance:
    account_id: int
    plan: str
    balance: int
    held: int
    allowance_period: str | None

    @property
    def available(self) -> int:
        return self.balance - self.held


def _balance(row: dict[str, Any]) -> CreditBalance:
    return CreditBalance(
        int(row["account_id"]), row["plan"], int(row["balance"]), int(row["held"]), row["allowance_period"]
    )


def _lock(conn: psycopg.Connection, account_id: int) -> dict[str, Any] | None:
    return conn.execute(
        "SELECT account_id, plan, balance, held, allowance_period FROM credit_accounts WHERE account_id = %s"
        " FOR UPDATE",
        (account_id,),
    ).fetchone()


def _add_grant(conn: psycopg.Connection, account_id: int, credits: int, reason: str, key: str | None) -> bool:
    written = conn.execute(
        "INSERT INTO credit_grants (account_id, credits, reason, idempotency_key) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (idempotency_key) DO NOTHING",
        (account_id, credits, reason, key),
    ).rowcount
    if written:
        conn.execute(
            "UPDATE credit_accounts SET balance = balance + %s, updated_at = now() WHERE account_id = %s",
            (credits, account_id),
        )
    return bool(written)


def open_account(conn: psycopg.Connection, *, account_id: int, default_plan: str, period: str) -> CreditBalance:
    """The account's balance, locked for this transaction. A new account gets ``default_plan``; the plan's
    monthly allowance is granted once per ``period`` (YYYY-MM), on the first use in that month."""
    row = _lock(conn, account_id)
    if row is None:
        conn.execute(
            "INSERT INTO credit_accounts (account_id, plan, balance) VALUES (%s, %s, 0)"
            " ON CONFLICT (account_id) DO NOTHING",
            (account_id, plan_named(default_plan).name),
        )
        row = _lock(conn, account_id)
        assert row is not None
    if row["allowance_period"] != period:
        sites = conn.execute("SELECT count(*) AS n FROM sites WHERE account_id = %s", (account_id,)).fetchone()
        plan = plan_named(row["plan"])
        _add_grant(
            conn,
            account_id,
            plan.monthly_allowance(int(sites["n"]) if sites else 0),
            f"{plan.name} plan allowance {period}",
            f"allowance:{account_id}:{period}",
        )
        conn.execute("UPDATE credit_accounts SET allowance_period = %s WHERE account_id = %s", (period, account_id))
        row = _lock(conn, account_id)
        assert row is not None
    return _balance(row)


def grant_credits(conn: psycopg.Connection, *, account_id: int, credits: int, reason: str, key: str | None) -> bool:
    """Add ``credits`` (once per ``key``) to an account opened in this transaction. True if granted now."""
    return _add_grant(conn, account_id, credits, reason, key)


def set_plan(conn: psycopg.Connection, *, account_id: int, plan: str) -> None:
    conn.execute(
        "UPDATE credit_accounts SET plan = %s, updated_at = now() WHERE account_id = %s",
        (plan_named(plan).name, account_id),
    )


def release_stale(conn: psycopg.Connection, *, account_id: int, older_than_s: float) -> int:
    """Release holds left by work that died (its key never settled); returns the credits released."""
    rows = conn.execute(
        "UPDATE credit_reservations SET status = 'released', closed_at = now() WHERE account_id = %s"
        " AND status = 'held' AND created_at < now() - make_interval(secs => %s) RETURNING credits",
        (account_id, older_than_s),
    ).fetchall()
    freed = sum(int(r["credits"]) for r in rows)
    if freed:
        conn.execute("UPDATE credit_accounts SET held = held - %s WHERE account_id = %s", (freed, account_id))
    return freed


def reservation_status(conn: psycopg.Connection, *, key: str) -> str | None:
    row = conn.execute("SELECT status FROM credit_reservations WHERE idempotency_key = %s", (key,)).fetchone()
    return row["status"] if row else None


def hold(
    conn: psycopg.Connection, *, account: CreditBalance, site_id: int | None, key: str, operation: str, credits: int
) -> None:
    """Set ``credits`` aside under ``key`` (the caller checked they are available, on the locked account)."""
    conn.execute(
        "INSERT INTO credit_reservations (idempotency_key, account_id, site_id, operation, credits, status)"
        " VALUES (%s, %s, %s, %s, %s, 'held') ON CONFLICT (idempotency_key) DO UPDATE SET status = 'held',"
        " credits = EXCLUDED.credits, created_at = now(), closed_at = NULL",
        (key, account.account_id, site_id, operation, credits),
    )
    conn.execute("UPDATE credit_accounts SET held = held + %s WHERE account_id = %s", (credits, account.account_id))


def _close(conn: psycopg.Connection, key: str, status: str) -> int:
    """Close a held reservation; returns the credits it held (0 if none was held)."""
    row = conn.execute(
        "UPDATE credit_reservations SET status = %s, closed_at = now() WHERE idempotency_key = %s"
        " AND status = 'held' RETURNING account_id, credits",
        (status, key),
    ).fetchone()
    if row is None:
        return 0
    conn.execute(
        "UPDATE credit_accounts SET held = held - %s WHERE account_id = %s", (row["credits"], row["account_id"])
    )
    return int(row["credits"])


def release(conn: psycopg.Connection, *, key: str) -> int:
    """Give back a reservation whose work failed (nothing is charged)."""
    return _close(conn, key, "released")


def settle(conn: psycopg.Connection, *, account: CreditBalance, row: dict[str, Any]) -> int | None:
    """Write the ledger ``row`` and lower the locked account's balance by its credits, capped at what the
    account holds (a call never takes the balance below zero; its tokens are recorded in full). A key
    already charged charges nothing and releases its hold. Returns the credits charged, or None."""
    key = row.get("idempotency_key")
    own_hold = _close(conn, key, "settled") if key else 0
    free = account.balance - (account.held - own_hold)
    charged = max(0, min(int(row["credits"]), free))
    if not credit_ledger.insert_ledger_row(conn, **{**row, "credits": charged}):
        return None
    conn.execute(
        "UPDATE credit_accounts SET balance = balance - %s, updated_at = now() WHERE account_id = %s",
        (charged, account.account_id),
    )
    return charged


def history(conn: psycopg.Connection, *, account_id: int, limit: int = 50) -> list[dict[str, Any]]:
    """Grants and charges, newest first: kind, credits (+ granted, - charged), what, site, when."""
    return conn.execute(
        "SELECT * FROM (SELECT 'grant' AS kind, credits, reason AS what, NULL::bigint AS site_id, created_at"
        " FROM credit_grants WHERE account_id = %(a)s UNION ALL SELECT 'charge', -credits,"
        " operation || ' (' || (prompt_tokens + completion_tokens) || ' tokens)', site_id, created_at"
        " FROM credit_ledger WHERE account_id = %(a)s) h ORDER BY created_at DESC LIMIT %(n)s",
        {"a": account_id, "n": limit},
    ).fetchall()


def totals(conn: psycopg.Connection, *, account_id: int) -> dict[str, int]:
    """Everything granted and everything charged: the balance is their difference."""
    row = conn.execute(
        "SELECT (SELECT coalesce(sum(credits), 0) FROM credit_grants WHERE account_id = %(a)s) AS granted,"
        " (SELECT coalesce(sum(credits), 0) FROM credit_ledger WHERE account_id = %(a)s) AS charged,"
        " (SELECT count(*) FROM credit_reservations WHERE account_id = %(a)s AND status = 'held') AS open_holds",
        {"a": account_id},
    ).fetchone()
    assert row is not None
    return {k: int(v) for k, v in row.items()}


def credits_between(conn: psycopg.Connection, *, site_id: int, start: datetime, end: datetime) -> dict[str, int]:
    """Credits charged to a site between two instants, per operation."""
    rows = conn.execute(
        "SELECT operation, sum(credits) AS credits FROM credit_ledger WHERE site_id = %s"
        " AND created_at >= %s AND created_at < %s GROUP BY operation ORDER BY operation",
        (site_id, start, end),
    ).fetchall()
    return {r["operation"]: int(r["credits"]) for r in rows}


def plan_and_sites(conn: psycopg.Connection, *, account_id: int) -> tuple[str | None, int]:
    """The account's plan (None before its first metered use) and how many sites it has."""
    row = conn.execute(
        "SELECT (SELECT plan FROM credit_accounts WHERE account_id = %(a)s) AS plan,"
        " (SELECT count(*) FROM sites WHERE account_id = %(a)s) AS sites",
        {"a": account_id},
    ).fetchone()
    return (row["plan"], int(row["sites"])) if row else (None, 0)
