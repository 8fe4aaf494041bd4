"""The credit ledger: one row per metered model call (or per operation of several calls), once per
idempotency key. What a call costs in credits is decided in llm/credits.py; this module only stores it."""

from __future__ import annotations

import psycopg


def insert_ledger_row(
    conn: psycopg.Connection,
    *,
    account_id: int | None,
    site_id: int | None,
    operation: str,
    agent_role: str,
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    credits: int,
    idempotency_key: str | None,
) -> bool:
    """Write one ledger row; a repeated ``idempotency_key`` writes nothing. Returns True if written."""
    cursor = conn.execute(
        "INSERT INTO credit_ledger (account_id, site_id, operation, agent_role, model, prompt_tokens,"
        " completion_tokens, credits, idempotency_key) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (idempotency_key) DO NOTHING",
        (account_id, site_id, operation, agent_role, model, prompt_tokens, completion_tokens, credits, idempotency_key),
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


def tokens_used(conn: psycopg.Connection, *, site_id: int) -> int:
    """Prompt plus completion tokens of every metered model call for the site."""
    row = conn.execute(
        "SELECT coalesce(sum(prompt_tokens + completion_tokens), 0) AS t FROM credit_ledger WHERE site_id = %s",
        (site_id,),
    ).fetchone()
    assert row is not None
    return int(row["t"])
