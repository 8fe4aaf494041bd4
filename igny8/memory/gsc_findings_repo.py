"""What maintenance found in the Search Console data (gsc_findings), the title/meta rewrites it made
(gsc_title_rewrites, before and after) and the URLs submitted to IndexNow (indexnow_submissions)."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import Jsonb


def upsert_finding(conn: psycopg.Connection, *, site_id: int, kind: str, subject: str, detail: dict[str, Any]) -> None:
    """Record a finding; found again, its detail is refreshed (an acted-on one keeps its outcome and status;
    one that had gone away is open again)."""
    conn.execute(
        "INSERT INTO gsc_findings (site_id, kind, subject, detail) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (site_id, kind, subject) DO UPDATE SET found_at = now(),"
        " detail = EXCLUDED.detail || CASE WHEN gsc_findings.status = 'acted'"
        " THEN jsonb_build_object('outcome', gsc_findings.detail->'outcome') ELSE '{}'::jsonb END,"
        " status = CASE WHEN gsc_findings.status = 'dismissed' THEN 'open' ELSE gsc_findings.status END",
        (site_id, kind, subject[:500], Jsonb(detail)),
    )


def current_findings(conn: psycopg.Connection, *, site_id: int, kind: str | None = None) -> list[dict[str, Any]]:
    """Findings the latest data still shows: open ones and those already acted on."""
    return conn.execute(
        "SELECT kind, subject, detail, status, found_at FROM gsc_findings WHERE site_id = %s"
        " AND status IN ('open', 'acted')"
        " AND (%s::text IS NULL OR kind = %s) ORDER BY kind, found_at DESC, subject",
        (site_id, kind, kind),
    ).fetchall()


def close_findings_not_in(conn: psycopg.Connection, *, site_id: int, kind: str, subjects: list[str]) -> None:
    """A finding the latest data no longer shows is closed (dismissed), so the report lists what is current."""
    conn.execute(
        "UPDATE gsc_findings SET status = 'dismissed' WHERE site_id = %s AND kind = %s AND status <> 'dismissed'"
        " AND NOT (subject = ANY(%s))",
        (site_id, kind, [s[:500] for s in subjects]),
    )


def acted_subjects(conn: psycopg.Connection, *, site_id: int, kind: str) -> set[str]:
    rows = conn.execute(
        "SELECT subject FROM gsc_findings WHERE site_id = %s AND kind = %s AND status = 'acted'", (site_id, kind)
    ).fetchall()
    return {r["subject"] for r in rows}


def mark_acted(conn: psycopg.Connection, *, site_id: int, kind: str, subject: str, outcome: dict[str, Any]) -> None:
    conn.execute(
        "UPDATE gsc_findings SET status = 'acted', detail = detail || %s WHERE site_id = %s AND kind = %s"
        " AND subject = %s",
        (Jsonb({"outcome": outcome}), site_id, kind, subject[:500]),
    )


def record_title_rewrite(
    conn: psycopg.Connection,
    *,
    content_id: int,
    before: tuple[str, str],
    after: tuple[str, str],
    evidence: dict[str, Any],
) -> None:
    """Keep the before/after and apply the new title and meta description to the page."""
    conn.execute(
        "INSERT INTO gsc_title_rewrites (content_id, before_title, before_description, after_title,"
        " after_description, evidence) VALUES (%s, %s, %s, %s, %s, %s)",
        (content_id, before[0], before[1], after[0], after[1], Jsonb(evidence)),
    )
    conn.execute(
        "UPDATE content SET title = %s, meta = meta || %s, updated_at = now() WHERE id = %s",
        (after[0], Jsonb({"meta_description": after[1]}), content_id),
    )


def title_rewrites(conn: psycopg.Connection, *, site_id: int) -> list[dict[str, Any]]:
    return conn.execute(
        "SELECT c.slug, r.before_title, r.before_description, r.after_title, r.after_description, r.evidence,"
        " r.rewritten_at FROM gsc_title_rewrites r JOIN content c ON c.id = r.content_id WHERE c.site_id = %s"
        " ORDER BY r.rewritten_at",
        (site_id,),
    ).fetchall()


def last_submitted_hashes(conn: psycopg.Connection, *, site_id: int) -> dict[str, str]:
    """URL → the content hash of its last accepted IndexNow submission."""
    rows = conn.execute(
        "SELECT DISTINCT ON (url) url, content_hash FROM indexnow_submissions WHERE site_id = %s"
        " AND status_code IN (200, 202) ORDER BY url, submitted_at DESC",
        (site_id,),
    ).fetchall()
    return {r["url"]: r["content_hash"] for r in rows}


def record_submissions(conn: psycopg.Connection, *, site_id: int, urls: dict[str, str], status_code: int) -> None:
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO indexnow_submissions (site_id, url, content_hash, status_code) VALUES (%s, %s, %s, %s)",
            [(site_id, url, digest, status_code) for url, digest in urls.items()],
        )
