"""The web dashboard's pages: a site's written pages with their status, and a person's review of one
(approve, edit the title and meta description, or send it back to draft with a note)."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import Jsonb


def pages_with_status(conn: psycopg.Connection, *, site_id: int, limit: int = 500) -> list[dict[str, Any]]:
    """The site's pages in priority order: id, slug, title, status, meta, html (the caller checked the tenant)."""
    return conn.execute(
        "SELECT id, slug, title, status, meta, html FROM content WHERE site_id = %s"
        " ORDER BY (meta->>'priority_phase')::int NULLS LAST, id LIMIT %s",
        (site_id, limit),
    ).fetchall()


def review_page(
    conn: psycopg.Connection,
    *,
    site_id: int,
    content_id: int,
    status: str,
    title: str | None,
    meta_update: dict[str, Any],
) -> bool:
    """Set a page's status (and its title and meta when given); False when the site has no such page."""
    row = conn.execute(
        "UPDATE content SET status = %s, title = coalesce(%s, title), meta = meta || %s, updated_at = now()"
        " WHERE id = %s AND site_id = %s RETURNING id",
        (status, title, Jsonb(meta_update), content_id, site_id),
    ).fetchone()
    return row is not None
