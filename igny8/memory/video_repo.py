"""Stage 9's table: the videos made from pages (one per page and format), and the page's record of its video."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import Jsonb


def save_video(conn: psycopg.Connection, *, site_id: int, content_id: int, video: dict[str, Any]) -> int:
    """Store (or replace) the page's video of this format and note it in the page's meta (``video``)."""
    row = conn.execute(
        "INSERT INTO videos (site_id, content_id, format, path, srt_path, vtt_path, duration_s, width, height,"
        " voice, json_ld) VALUES (%(site_id)s, %(content_id)s, %(format)s, %(path)s, %(srt_path)s, %(vtt_path)s,"
        " %(duration_s)s, %(width)s, %(height)s, %(voice)s, %(json_ld)s)"
        " ON CONFLICT (content_id, format) DO UPDATE SET path = EXCLUDED.path, srt_path = EXCLUDED.srt_path,"
        " vtt_path = EXCLUDED.vtt_path, duration_s = EXCLUDED.duration_s, width = EXCLUDED.width,"
        " height = EXCLUDED.height, voice = EXCLUDED.voice, json_ld = EXCLUDED.json_ld, created_at = now()"
        " RETURNING id",
        {**video, "site_id": site_id, "content_id": content_id, "json_ld": Jsonb(video["json_ld"])},
    ).fetchone()
    assert row is not None
    conn.execute(
        "UPDATE content SET meta = jsonb_set(meta, '{video}', %s) WHERE id = %s",
        (Jsonb({"format": video["format"], "path": video["path"], "json_ld": video["json_ld"]}), content_id),
    )
    return int(row["id"])


def video_of(conn: psycopg.Connection, *, content_id: int, video_format: str) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT id, format, path, srt_path, vtt_path, duration_s, width, height, voice, json_ld FROM videos"
        " WHERE content_id = %s AND format = %s",
        (content_id, video_format),
    ).fetchone()
    return dict(row) if row else None


def public_video_url(conn: psycopg.Connection, *, content_id: int) -> str | None:
    """The URL a network can fetch the page's video from (its VideoObject's contentUrl when that is public)."""
    row = conn.execute(
        "SELECT json_ld->>'contentUrl' AS url FROM videos WHERE content_id = %s"
        " AND json_ld->>'contentUrl' ~ '^https?://' ORDER BY CASE format WHEN 'short' THEN 0 ELSE 1 END LIMIT 1",
        (content_id,),
    ).fetchone()
    return row["url"] if row else None


def page_for_video(conn: psycopg.Connection, *, site_id: int, slug: str) -> dict[str, Any] | None:
    row = conn.execute(
        "SELECT c.id, c.title, c.slug, c.html, c.meta, r.wp_link FROM content c"
        " LEFT JOIN publish_records r ON r.content_id = c.id WHERE c.site_id = %s AND c.slug = %s",
        (site_id, slug),
    ).fetchone()
    return dict(row) if row else None


def pages_without_video(conn: psycopg.Connection, *, site_id: int, video_format: str) -> list[str]:
    """Slugs of the site's approved or published pages that have no video of this format yet."""
    rows = conn.execute(
        "SELECT c.slug FROM content c WHERE c.site_id = %s AND c.status IN ('approved', 'published')"
        " AND NOT EXISTS (SELECT 1 FROM videos v WHERE v.content_id = c.id AND v.format = %s) ORDER BY c.id",
        (site_id, video_format),
    ).fetchall()
    return [r["slug"] for r in rows]


def image_paths_of(conn: psycopg.Connection, *, content_id: int) -> list[str]:
    rows = conn.execute(
        "SELECT path FROM images WHERE content_id = %s AND path IS NOT NULL ORDER BY id", (content_id,)
    ).fetchall()
    return [r["path"] for r in rows]
