"""Reads of the credit ledger that llm/credits.py does not offer (it was being changed by others when the
SQL moved into memory/; this belongs beside its credits_spent)."""

from __future__ import annotations

import psycopg


def tokens_used(conn: psycopg.Connection, *, site_id: int) -> int:
    """Prompt plus completion tokens of every metered model call for the site."""
    row = conn.execute(
        "SELECT coalesce(sum(prompt_tokens + completion_tokens), 0) AS t FROM credit_ledger WHERE site_id = %s",
        (site_id,),
    ).fetchone()
    assert row is not None
    return int(row["t"])
