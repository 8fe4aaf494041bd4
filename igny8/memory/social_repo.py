"""Stage 8's tables: a site's promotion choices, its connected social accounts (tokens sealed by the caller),
the posts (one per page × network × page version) and their engagement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

from igny8.memory.published_repo import PUBLISHED_CONDITION


@dataclass(frozen=True, slots=True)
class PromotionChoice:
    platforms: tuple[str, ...]
    video_format: str | None


@dataclass(frozen=True, slots=True)
class StoredSocialAccount:
    platform: str
    account_ref: str
    access_token_secret: str  # sealed
    expires_at: datetime | None
    needs_reconnect: bool


def set_promotion_choice(
    conn: psycopg.Connection, *, site_id: int, platforms: list[str], video_format: str | None
) -> None:
    conn.execute(
        "INSERT INTO promotion_choices (site_id, platforms, video_format) VALUES (%s, %s, %s)"
        " ON CONFLICT (site_id) DO UPDATE SET platforms = EXCLUDED.platforms,"
        " video_format = EXCLUDED.video_format, updated_at = now()",
        (site_id, platforms, video_format),
    )


def promotion_choice(conn: psycopg.Connection, *, site_id: int) -> PromotionChoice | None:
    row = conn.execute(
        "SELECT platforms, video_format FROM promotion_choices WHERE site_id = %s", (site_id,)
    ).fetchone()
    return PromotionChoice(tuple(row["platforms"]), row["video_format"]) if row else None


def upsert_social_account(
    conn: psycopg.Connection,
    *,
    site_id: int,
    platform: str,
    account_ref: str,
    sealed_token: str,
    expires_at: datetime | None,
) -> None:
    conn.execute(
        "INSERT INTO social_accounts (site_id, platform, account_ref, access_token_secret, expires_at)"
        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (site_id, platform) DO UPDATE SET"
        " account_ref = EXCLUDED.account_ref, access_token_secret = EXCLUDED.access_token_secret,"
        " expires_at = EXCLUDED.expires_at, needs_reconnect = false, updated_at = now()",
        (site_id, platform, account_ref, sealed_token, expires_at),
    )
    # Posts held back for a reconnection go out with the new token.
    conn.execute(
        "UPDATE social_posts SET status = 'scheduled', next_attempt_at = NULL"
        " WHERE site_id = %s AND platform = %s AND status = 'needs_reconnect'",
        (site_id, platform),
    )


def social_account(conn: psycopg.Connection, *, site_id: int, platform: str) -> StoredSocialAccount | None:
    row = conn.execute(
        "SELECT platform, account_ref, access_token_secret, expires_at, needs_reconnect FROM social_accounts"
        " WHERE site_id = %s AND platform = %s",
        (site_id, platform),
    ).fetchone()
    return StoredSocialAccount(**row) if row else None


def mark_account_needs_reconnect(conn: psycopg.Connection, *, site_id: int, platform: str) -> None:
    conn.execute(
        "UPDATE social_accounts SET needs_reconnect = true WHERE site_id = %s AND platform = %s", (site_id, platform)
    )


def published_pages(conn: psycopg.Connection, *, site_id: int, slug: str | None = None) -> list[dict[str, Any]]:
    """Pages out on the site, with their WordPress link and a public image URL where there is one."""
    rows = conn.execute(
        "SELECT c.id, c.title, c.slug, c.html, c.meta, r.wp_link,"
        " (SELECT m.wp_url FROM images i JOIN publish_media_records m ON m.image_id = i.id"
        "   WHERE i.content_id = c.id AND m.wp_url IS NOT NULL ORDER BY i.id LIMIT 1) AS image_url"
        " FROM content c LEFT JOIN publish_records r ON r.content_id = c.id"
        f" WHERE c.site_id = %s AND {PUBLISHED_CONDITION}"
        " AND (%s::text IS NULL OR c.slug = %s) ORDER BY c.id",
        (site_id, slug, slug),
    ).fetchall()
    return [dict(r) for r in rows]


def insert_post(
    conn: psycopg.Connection,
    *,
    site_id: int,
    content_id: int,
    platform: str,
    page_version: str,
    body: str,
    link: str | None,
    media_path: str | None,
    scheduled_at: datetime,
) -> bool:
    """A new scheduled post; False when this page version already has its post on this network."""
    key = f"social:{content_id}:{platform}:{page_version}"
    row = conn.execute(
        "INSERT INTO social_posts (site_id, content_id, platform, page_version, idempotency_key, body, link,"
        " media_path, scheduled_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
        (site_id, content_id, platform, page_version, key, body, link, media_path, scheduled_at),
    ).fetchone()
    return row is not None


def has_post(conn: psycopg.Connection, *, content_id: int, platform: str, page_version: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM social_posts WHERE content_id = %s AND platform = %s AND page_version = %s",
        (content_id, platform, page_version),
    ).fetchone()
    return row is not None


def scheduled_times(conn: psycopg.Connection, *, site_id: int, platform: str) -> list[datetime]:
    rows = conn.execute(
        "SELECT scheduled_at FROM social_posts WHERE site_id = %s AND platform = %s AND status <> 'failed'",
        (site_id, platform),
    ).fetchall()
    return [r["scheduled_at"] for r in rows]


def claim_due_posts(
    conn: psycopg.Connection, *, site_id: int, now: datetime, slug: str | None, ignore_schedule: bool = False
) -> list[dict[str, Any]]:
    """Due posts (all scheduled ones with ``ignore_schedule``; a retry still waits for its backoff), marked
    'sending' so that no other process sends them too."""
    rows = conn.execute(
        "UPDATE social_posts p SET status = 'sending', attempts = p.attempts + 1 FROM content c"
        " WHERE p.content_id = c.id AND p.id IN (SELECT id FROM social_posts WHERE site_id = %s"
        "   AND status = 'scheduled' AND (%s OR scheduled_at <= %s)"
        "   AND (next_attempt_at IS NULL OR next_attempt_at <= %s)"
        "   ORDER BY scheduled_at FOR UPDATE SKIP LOCKED)"
        " AND (%s::text IS NULL OR c.slug = %s)"
        " RETURNING p.id, p.platform, p.body, p.link, p.media_path, p.attempts, c.title, c.slug",
        (site_id, ignore_schedule, now, now, slug, slug),
    ).fetchall()
    return [dict(r) for r in rows]


def finish_post(
    conn: psycopg.Connection,
    *,
    post_id: int,
    status: str,
    remote_id: str | None = None,
    error: str | None = None,
    next_attempt_at: datetime | None = None,
) -> None:
    """Record what sending did: 'published' (with the remote id), 'scheduled' again (a retry), 'failed' or
    'needs_reconnect' (with the error)."""
    conn.execute(
        "UPDATE social_posts SET status = %s, remote_id = COALESCE(%s, remote_id), last_error = %s,"
        " next_attempt_at = %s, published_at = CASE WHEN %s = 'published' THEN now() ELSE published_at END"
        " WHERE id = %s",
        (status, remote_id, error, next_attempt_at, status, post_id),
    )


def posts_of_site(conn: psycopg.Connection, *, site_id: int, slug: str | None = None) -> list[dict[str, Any]]:
    rows = conn.execute(
        "SELECT p.id, c.slug, p.platform, p.status, p.scheduled_at, p.published_at, p.remote_id, p.attempts,"
        " p.last_error, p.body FROM social_posts p JOIN content c ON c.id = p.content_id"
        " WHERE p.site_id = %s AND (%s::text IS NULL OR c.slug = %s) ORDER BY p.scheduled_at, p.id",
        (site_id, slug, slug),
    ).fetchall()
    return [dict(r) for r in rows]


def record_engagement(conn: psycopg.Connection, *, post_id: int, engagements: int) -> None:
    conn.execute(
        "INSERT INTO social_engagement (post_id, engagements) VALUES (%s, %s)"
        " ON CONFLICT (post_id) DO UPDATE SET engagements = EXCLUDED.engagements, measured_at = now()",
        (post_id, engagements),
    )


def engagement_by_hour(conn: psycopg.Connection, *, site_id: int, platform: str) -> dict[int, tuple[float, int]]:
    """Mean engagements and number of posts per UTC hour of publishing, for the account's own posts."""
    rows = conn.execute(
        "SELECT extract(hour FROM p.published_at AT TIME ZONE 'UTC')::int AS hour, avg(e.engagements)::float AS mean,"
        " count(*)::int AS n FROM social_engagement e JOIN social_posts p ON p.id = e.post_id"
        " WHERE p.site_id = %s AND p.platform = %s AND p.published_at IS NOT NULL GROUP BY 1",
        (site_id, platform),
    ).fetchall()
    return {r["hour"]: (r["mean"], r["n"]) for r in rows}
