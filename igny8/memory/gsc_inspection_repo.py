"""The URL Inspection queue (gsc_inspection_queue), its results (gsc_inspection_results) and the calls spent
per property and quota day (gsc_inspection_quota). An item leaves the queue's due set only when its result is
stored, in the same transaction: a failure or a 429 leaves it where it was."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb


@dataclass(frozen=True, slots=True)
class QueueItem:
    page_url: str
    content_id: int | None
    priority: int
    reason: str
    content_hash: str | None


@dataclass(frozen=True, slots=True)
class InspectionRecord:
    page_url: str
    verdict: str
    coverage_state: str | None
    indexing_state: str | None
    page_fetch_state: str | None
    last_crawl_time: datetime | None
    google_canonical: str | None
    user_canonical: str | None
    result: dict[str, Any]


def queued_pages(conn: psycopg.Connection, *, site_id: int) -> dict[str, tuple[str | None, str]]:
    """page URL → (content hash, reason) of every queued page."""
    rows = conn.execute(
        "SELECT page_url, content_hash, reason FROM gsc_inspection_queue WHERE site_id = %s", (site_id,)
    )
    return {r["page_url"]: (r["content_hash"], r["reason"]) for r in rows.fetchall()}


def enqueue(conn: psycopg.Connection, *, site_id: int, item: QueueItem, due_now: bool) -> None:
    """Add a page, or update its priority and hash; ``due_now`` moves it to the front of its priority."""
    conn.execute(
        "INSERT INTO gsc_inspection_queue (site_id, page_url, content_id, priority, reason, content_hash)"
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (site_id, page_url) DO UPDATE SET"
        " content_id = EXCLUDED.content_id, priority = EXCLUDED.priority, reason = EXCLUDED.reason,"
        " content_hash = EXCLUDED.content_hash,"
        " due_at = CASE WHEN %s THEN least(gsc_inspection_queue.due_at, now()) ELSE gsc_inspection_queue.due_at END",
        (site_id, item.page_url, item.content_id, item.priority, item.reason, item.content_hash, due_now),
    )


def due_items(conn: psycopg.Connection, *, site_id: int, now: datetime, limit: int) -> list[QueueItem]:
    rows = conn.execute(
        "SELECT page_url, content_id, priority, reason, content_hash FROM gsc_inspection_queue"
        " WHERE site_id = %s AND due_at <= %s ORDER BY priority, due_at, page_url LIMIT %s",
        (site_id, now, limit),
    ).fetchall()
    return [QueueItem(**r) for r in rows]


def count_due(conn: psycopg.Connection, *, site_id: int, now: datetime) -> int:
    row = conn.execute(
        "SELECT count(*) AS n FROM gsc_inspection_queue WHERE site_id = %s AND due_at <= %s", (site_id, now)
    ).fetchone()
    return int(row["n"])


def quota_used(conn: psycopg.Connection, *, prop: str, day: date) -> int:
    row = conn.execute(
        "SELECT used FROM gsc_inspection_quota WHERE property = %s AND quota_day = %s", (prop, day)
    ).fetchone()
    return int(row["used"]) if row else 0


def spend_quota(conn: psycopg.Connection, *, prop: str, day: date) -> None:
    conn.execute(
        "INSERT INTO gsc_inspection_quota (property, quota_day, used) VALUES (%s, %s, 1)"
        " ON CONFLICT (property, quota_day) DO UPDATE SET used = gsc_inspection_quota.used + 1",
        (prop, day),
    )


def store_result(
    conn: psycopg.Connection,
    *,
    site_id: int,
    record: InspectionRecord,
    inspected_at: datetime,
    next_due: datetime,
    prop: str,
    day: date,
) -> None:
    """Store the result, schedule the next inspection and count the call, all at once.

    The commit does not wait for the disk (one flush per call would dominate a 2,000-call day): a crash can
    lose the last moment's results, and those items, still due with their calls uncounted, are inspected again."""
    with conn.transaction():
        conn.execute("SET LOCAL synchronous_commit = off")
        conn.execute(
            "INSERT INTO gsc_inspection_results (site_id, page_url, verdict, coverage_state, indexing_state,"
            " page_fetch_state, last_crawl_time, google_canonical, user_canonical, inspected_at, result)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (site_id, page_url) DO UPDATE SET"
            " verdict = EXCLUDED.verdict, coverage_state = EXCLUDED.coverage_state,"
            " indexing_state = EXCLUDED.indexing_state, page_fetch_state = EXCLUDED.page_fetch_state,"
            " last_crawl_time = EXCLUDED.last_crawl_time, google_canonical = EXCLUDED.google_canonical,"
            " user_canonical = EXCLUDED.user_canonical, inspected_at = EXCLUDED.inspected_at, result = EXCLUDED.result",
            (
                site_id,
                record.page_url,
                record.verdict,
                record.coverage_state,
                record.indexing_state,
                record.page_fetch_state,
                record.last_crawl_time,
                record.google_canonical,
                record.user_canonical,
                inspected_at,
                Jsonb(record.result),
            ),
        )
        conn.execute(
            "UPDATE gsc_inspection_queue SET due_at = %s, attempts = 0, last_error = NULL, reason = 'reinspect'"
            " WHERE site_id = %s AND page_url = %s",
            (next_due, site_id, record.page_url),
        )
        spend_quota(conn, prop=prop, day=day)


def note_failure(conn: psycopg.Connection, *, site_id: int, page_url: str, error: str) -> None:
    conn.execute(
        "UPDATE gsc_inspection_queue SET attempts = attempts + 1, last_error = %s WHERE site_id = %s AND page_url = %s",
        (error[:500], site_id, page_url),
    )


def postpone(conn: psycopg.Connection, *, site_id: int, page_url: str, until: datetime) -> None:
    conn.execute(
        "UPDATE gsc_inspection_queue SET due_at = %s WHERE site_id = %s AND page_url = %s", (until, site_id, page_url)
    )


def inspection_results(conn: psycopg.Connection, *, site_id: int) -> list[dict[str, Any]]:
    return conn.execute(
        "SELECT page_url, verdict, coverage_state, last_crawl_time, google_canonical, user_canonical, inspected_at"
        " FROM gsc_inspection_results WHERE site_id = %s ORDER BY page_url",
        (site_id,),
    ).fetchall()


def inspected_order(conn: psycopg.Connection, *, site_id: int) -> list[str]:
    rows = conn.execute(
        "SELECT page_url FROM gsc_inspection_results WHERE site_id = %s ORDER BY inspected_at, page_url", (site_id,)
    ).fetchall()
    return [r["page_url"] for r in rows]


def indexed_urls(conn: psycopg.Connection, *, site_id: int) -> set[str] | None:
    """Pages Google reports as indexed; None when nothing was inspected yet."""
    rows = conn.execute(
        "SELECT page_url, verdict FROM gsc_inspection_results WHERE site_id = %s", (site_id,)
    ).fetchall()
    if not rows:
        return None
    return {r["page_url"] for r in rows if r["verdict"] == "PASS"}


def live_pages(conn: psycopg.Connection, *, site_id: int) -> list[dict[str, Any]]:
    """The site's approved and published pages still planned: id, slug, title, a hash of what Google would
    see (title and HTML), and the WordPress link when published over REST."""
    return conn.execute(
        "SELECT c.id, c.slug, c.title, c.meta, md5(c.title || c.html) AS content_hash, p.wp_link FROM content c"
        " LEFT JOIN publish_records p ON p.content_id = c.id WHERE c.site_id = %s"
        " AND c.status IN ('approved', 'published') AND c.retired_in_version IS NULL ORDER BY c.id",
        (site_id,),
    ).fetchall()
