"""A site's recent chat sessions, for the web dashboard's links back into them."""

from __future__ import annotations

from typing import Any

import psycopg


def recent_site_sessions(conn: psycopg.Connection, *, account_id: int, site_id: int) -> list[dict[str, Any]]:
    """The site's ten latest sessions of this account, newest first: id, status, created_at."""
    return conn.execute(
        "SELECT id, status, created_at FROM chat_sessions WHERE account_id = %s AND site_id = %s"
        " ORDER BY created_at DESC LIMIT 10",
        (account_id, site_id),
    ).fetchall()
