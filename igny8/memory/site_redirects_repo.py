"""The redirects approved adoption proposals ask for (site_redirects): per source path, where it points and
whether it exists in WordPress yet (created, present, failed, waiting, manual)."""

from __future__ import annotations

from typing import Any

import psycopg

STATES = ("created", "present", "failed", "waiting", "manual")
DONE_STATES = frozenset({"created", "present"})


def record_redirect(
    conn: psycopg.Connection,
    *,
    site_id: int,
    proposal_id: int,
    source: str,
    target: str,
    state: str,
    error: str | None = None,
    http_status: int = 301,
) -> None:
    """Store the redirect's latest state (one row per site and source path)."""
    if state not in STATES:
        raise ValueError(f"unknown redirect state {state!r}")
    conn.execute(
        "INSERT INTO site_redirects (site_id, proposal_id, source, target, http_status, state, error)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (site_id, source) DO UPDATE SET proposal_id = EXCLUDED.proposal_id,"
        " target = EXCLUDED.target, http_status = EXCLUDED.http_status, state = EXCLUDED.state,"
        " error = EXCLUDED.error, updated_at = now()",
        (site_id, proposal_id, source, target, http_status, state, error),
    )


def site_redirects(conn: psycopg.Connection, *, site_id: int) -> list[dict[str, Any]]:
    return conn.execute(
        "SELECT proposal_id, source, target, http_status, state, error, created_at, updated_at"
        " FROM site_redirects WHERE site_id = %s ORDER BY source",
        (site_id,),
    ).fetchall()
