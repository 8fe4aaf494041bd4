"""What the WordPress plugin reported (sync_events): connects, status reports, and per-content publish
confirmations. published_repo.py reads the confirmations to tell which pages are out."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import Jsonb


def record_site_event(conn: psycopg.Connection, *, site_id: int, kind: str, payload: dict[str, Any]) -> None:
    """An event about the whole site (``kind`` 'connect' or 'status')."""
    conn.execute(
        "INSERT INTO sync_events (site_id, kind, payload) VALUES (%s, %s, %s)",
        (site_id, kind, Jsonb(payload)),
    )


def record_content_event(
    conn: psycopg.Connection, *, site_id: int, kind: str, content_id: int, payload: dict[str, Any]
) -> None:
    """An event about one page (``kind`` 'published', 'updated' or 'failed')."""
    conn.execute(
        "INSERT INTO sync_events (site_id, kind, content_id, payload) VALUES (%s, %s, %s, %s)",
        (site_id, kind, content_id, Jsonb(payload)),
    )
