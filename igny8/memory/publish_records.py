"""What was published to a site's WordPress (publish_records, publish_term_records, publish_media_records):
the WordPress id of every post or page, term and uploaded image, so a re-run updates instead of duplicating.
Also the publish run's per-site lock, and the content rows it reads and marks published."""

from __future__ import annotations

from typing import Any

import psycopg

_LOCK_NAMESPACE = 0x1687_0007  # advisory lock (namespace, site id): one publish run per site at a time
_RECORD_TABLES = ("publish_records", "publish_term_records", "publish_media_records")


def try_lock_site_publishing(conn: psycopg.Connection, *, site_id: int) -> bool:
    """Take the site's publish lock for the rest of ``conn``'s transaction; False when another run holds it."""
    row = conn.execute("SELECT pg_try_advisory_xact_lock(%s, %s) AS ok", (_LOCK_NAMESPACE, site_id)).fetchone()
    return bool(row["ok"])


def forget_site_records(conn: psycopg.Connection, *, site_id: int) -> None:
    """Drop every record of what was published to the site (it now points at another WordPress)."""
    for table in _RECORD_TABLES:
        conn.execute(f"DELETE FROM {table} WHERE site_id = %s", (site_id,))  # fixed table names, not input


def publishable_content(conn: psycopg.Connection, *, site_id: int, statuses: list[str]) -> list[dict[str, Any]]:
    """The site's content in ``statuses``, each with its publish record, featured image and media record."""
    return conn.execute(
        "SELECT c.id, c.task_id, c.title, c.slug, c.html, c.meta, c.status,"
        " r.wp_id, r.wp_type, r.payload_hash, i.id AS image_id, i.path AS image_path,"
        " m.wp_media_id, m.source_path AS media_source_path"
        " FROM content c LEFT JOIN publish_records r ON r.content_id = c.id"
        " LEFT JOIN images i ON i.content_id = c.id AND i.role = 'featured'"
        " LEFT JOIN publish_media_records m ON m.image_id = i.id"
        " WHERE c.site_id = %s AND c.status = ANY(%s) ORDER BY c.id",
        (site_id, statuses),
    ).fetchall()


def record_term(conn: psycopg.Connection, *, site_id: int, taxonomy: str, slug: str, wp_term_id: int) -> None:
    conn.execute(
        "INSERT INTO publish_term_records (site_id, taxonomy, slug, wp_term_id) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (site_id, taxonomy, slug) DO UPDATE SET wp_term_id = EXCLUDED.wp_term_id,"
        " updated_at = now()",
        (site_id, taxonomy, slug, wp_term_id),
    )


def record_media(
    conn: psycopg.Connection, *, image_id: int, site_id: int, wp_media_id: int, wp_url: str, source_path: str
) -> None:
    conn.execute(
        "INSERT INTO publish_media_records (image_id, site_id, wp_media_id, wp_url, source_path)"
        " VALUES (%s, %s, %s, %s, %s) ON CONFLICT (image_id) DO UPDATE SET wp_media_id = EXCLUDED.wp_media_id,"
        " wp_url = EXCLUDED.wp_url, source_path = EXCLUDED.source_path, uploaded_at = now()",
        (image_id, site_id, wp_media_id, wp_url, source_path),
    )


def record_publication(
    conn: psycopg.Connection,
    *,
    content_id: int,
    site_id: int,
    wp_id: int,
    wp_type: str,
    wp_link: str | None,
    payload_hash: str,
) -> None:
    conn.execute(
        "INSERT INTO publish_records (content_id, site_id, wp_id, wp_type, wp_link, payload_hash)"
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (content_id) DO UPDATE SET wp_id = EXCLUDED.wp_id,"
        " wp_type = EXCLUDED.wp_type, wp_link = EXCLUDED.wp_link, payload_hash = EXCLUDED.payload_hash,"
        " updated_at = now()",
        (content_id, site_id, wp_id, wp_type, wp_link, payload_hash),
    )


def mark_content_published(conn: psycopg.Connection, *, content_id: int) -> None:
    # A content-table write that belongs with content_repo; it lives here beside the record it goes with.
    conn.execute(
        "UPDATE content SET status = 'published', meta = meta - 'pending_rewrite' WHERE id = %s"
        " AND (status <> 'published' OR meta ? 'pending_rewrite')",
        (content_id,),
    )
