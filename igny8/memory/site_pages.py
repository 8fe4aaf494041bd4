"""The pages, posts, products and terms a site already has on WordPress (site_pages), as its plugin pushes
them: one row per WordPress object, updated in place on every push."""

from __future__ import annotations

import psycopg
from psycopg.types.json import Jsonb


def upsert_site_page(
    conn: psycopg.Connection,
    *,
    site_id: int,
    wp_type: str,
    wp_id: int,
    title: str,
    url: str | None,
    slug: str | None,
    terms: dict[str, list[str]],
    excerpt: str,
) -> None:
    conn.execute(
        "INSERT INTO site_pages (site_id, wp_type, wp_id, title, url, slug, terms, excerpt)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (site_id, wp_type, wp_id) DO UPDATE SET"
        " title = EXCLUDED.title, url = EXCLUDED.url, slug = EXCLUDED.slug, terms = EXCLUDED.terms,"
        " excerpt = EXCLUDED.excerpt, updated_at = now()",
        (site_id, wp_type, wp_id, title, url, slug, Jsonb(terms), excerpt),
    )


def count_site_pages(conn: psycopg.Connection, *, site_id: int) -> int:
    row = conn.execute("SELECT count(*) AS n FROM site_pages WHERE site_id = %s", (site_id,)).fetchone()
    assert row is not None
    return int(row["n"])
