"""Whole-site reads of content and links, for the maintenance graph's health check and gap filling.

These statements belong with content_repo.py (content) and links_repo.py (links); they live here because
those modules were being changed by others when the SQL moved into memory/. Fold them in later."""

from __future__ import annotations

from typing import Any

import psycopg


def content_states(conn: psycopg.Connection, *, site_id: int) -> list[dict[str, Any]]:
    """Every content row of the site: slug, meta, status."""
    return conn.execute("SELECT slug, meta, status FROM content WHERE site_id = %s", (site_id,)).fetchall()


def count_content(conn: psycopg.Connection, *, site_id: int) -> int:
    row = conn.execute("SELECT count(*) AS n FROM content WHERE site_id = %s", (site_id,)).fetchone()
    assert row is not None
    return int(row["n"])


def link_slugs(conn: psycopg.Connection, *, site_id: int) -> list[tuple[str, str]]:
    """The site's recorded internal links as (source slug, target slug)."""
    rows = conn.execute(
        "SELECT s.slug AS source, t.slug AS target FROM links l JOIN content s ON s.id ="
        " l.source_content_id JOIN content t ON t.id = l.target_content_id WHERE l.site_id = %s",
        (site_id,),
    ).fetchall()
    return [(r["source"], r["target"]) for r in rows]
