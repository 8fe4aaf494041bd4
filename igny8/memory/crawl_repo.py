"""Crawls of existing sites and the pages they found (crawl_runs, crawled_pages): one row per URL, updated
in place by every crawl, its validators kept for the next conditional fetch."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import psycopg
from psycopg.types.json import Jsonb


@dataclass(frozen=True, slots=True)
class StoredPage:
    url: str
    canonical: str | None
    title: str
    meta_description: str
    headings: list[list[Any]]
    main_text: str
    word_count: int
    internal_links: list[str]
    json_ld: list[dict[str, Any]]
    wp_terms: dict[str, list[str]]
    etag: str | None
    last_modified: str | None
    embedding: np.ndarray | None
    noindex: bool


def start_crawl(conn: psycopg.Connection, *, site_id: int, start_url: str) -> int:
    row = conn.execute(
        "INSERT INTO crawl_runs (site_id, start_url) VALUES (%s, %s) RETURNING id", (site_id, start_url)
    ).fetchone()
    assert row is not None
    return int(row["id"])


def finish_crawl(conn: psycopg.Connection, *, crawl_id: int, summary: dict[str, Any]) -> None:
    conn.execute("UPDATE crawl_runs SET finished_at = now(), summary = %s WHERE id = %s", (Jsonb(summary), crawl_id))


def upsert_crawled_page(
    conn: psycopg.Connection,
    *,
    site_id: int,
    crawl_id: int,
    page: dict[str, Any],
    embedding: np.ndarray | None,
) -> None:
    """Store one page (``page`` holds the crawled_pages columns by name)."""
    conn.execute(
        "INSERT INTO crawled_pages (site_id, url, canonical, status, title, meta_description, headings, main_text,"
        " word_count, internal_links, external_links, json_ld, wp_terms, noindex, etag, last_modified, embedding,"
        " last_crawl_id) VALUES (%(site_id)s, %(url)s, %(canonical)s, %(status)s, %(title)s, %(meta_description)s,"
        " %(headings)s, %(main_text)s, %(word_count)s, %(internal_links)s, %(external_links)s, %(json_ld)s,"
        " %(wp_terms)s, %(noindex)s, %(etag)s, %(last_modified)s, %(embedding)s, %(crawl_id)s)"
        " ON CONFLICT (site_id, url) DO UPDATE SET canonical = EXCLUDED.canonical, status = EXCLUDED.status,"
        " title = EXCLUDED.title, meta_description = EXCLUDED.meta_description, headings = EXCLUDED.headings,"
        " main_text = EXCLUDED.main_text, word_count = EXCLUDED.word_count,"
        " internal_links = EXCLUDED.internal_links, external_links = EXCLUDED.external_links,"
        " json_ld = EXCLUDED.json_ld, wp_terms = EXCLUDED.wp_terms, noindex = EXCLUDED.noindex,"
        " etag = EXCLUDED.etag, last_modified = EXCLUDED.last_modified, embedding = EXCLUDED.embedding,"
        " last_crawl_id = EXCLUDED.last_crawl_id, fetched_at = now()",
        {
            **page,
            "site_id": site_id,
            "crawl_id": crawl_id,
            "headings": Jsonb(page["headings"]),
            "internal_links": Jsonb(page["internal_links"]),
            "external_links": Jsonb(page["external_links"]),
            "json_ld": Jsonb(page["json_ld"]),
            "wp_terms": Jsonb(page["wp_terms"]),
            "embedding": None if embedding is None else np.asarray(embedding, dtype=np.float32),
        },
    )


def touch_unchanged_page(
    conn: psycopg.Connection, *, site_id: int, url: str, crawl_id: int, wp_terms: dict[str, list[str]] | None = None
) -> None:
    """An unchanged page seen again; ``wp_terms`` (read over WordPress's REST API) replaces its stored terms."""
    conn.execute(
        "UPDATE crawled_pages SET last_crawl_id = %s, fetched_at = now(), wp_terms = coalesce(%s, wp_terms)"
        " WHERE site_id = %s AND url = %s",
        (crawl_id, None if wp_terms is None else Jsonb(wp_terms), site_id, url),
    )


def crawled_pages(conn: psycopg.Connection, *, site_id: int) -> list[StoredPage]:
    rows = conn.execute(
        "SELECT url, canonical, title, meta_description, headings, main_text, word_count, internal_links, json_ld,"
        " wp_terms, etag, last_modified, embedding, noindex FROM crawled_pages WHERE site_id = %s AND status = 200"
        " ORDER BY url",
        (site_id,),
    ).fetchall()
    return [StoredPage(**{**row, "embedding": _as_array(row["embedding"])}) for row in rows]


def _as_array(value: Any) -> np.ndarray | None:
    if value is None:
        return None
    return np.asarray(value.to_numpy() if hasattr(value, "to_numpy") else value, dtype=np.float32)


def latest_crawl(conn: psycopg.Connection, *, site_id: int) -> dict[str, Any] | None:
    return conn.execute(
        "SELECT id, start_url, started_at, finished_at, summary FROM crawl_runs WHERE site_id = %s"
        " ORDER BY id DESC LIMIT 1",
        (site_id,),
    ).fetchone()
