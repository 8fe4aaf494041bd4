"""What a monthly site report reads (health, pages, links, indexing, Search Console, backlinks), the agency's
white-label brand, and the reports generated. Search Console tables come from another migration (0008): each
read checks they exist, so a database without them gives empty figures, not an error."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import psycopg
from psycopg.types.json import Jsonb


def table_exists(conn: psycopg.Connection, name: str) -> bool:
    row = conn.execute("SELECT to_regclass(%s) IS NOT NULL AS present", (name,)).fetchone()
    return bool(row and row["present"])


def health_series(conn: psycopg.Connection, *, site_id: int, end: datetime, limit: int = 12) -> list[dict[str, Any]]:
    """The last ``limit`` health scores computed before ``end``, oldest first."""
    rows = conn.execute(
        "SELECT score, computed_at FROM health_history WHERE site_id = %s AND computed_at < %s"
        " ORDER BY computed_at DESC LIMIT %s",
        (site_id, end, limit),
    ).fetchall()
    return list(reversed(rows))


def blueprint_health(conn: psycopg.Connection, *, site_id: int) -> float | None:
    row = conn.execute(
        "SELECT health_score FROM blueprints WHERE site_id = %s AND status = 'active'", (site_id,)
    ).fetchone()
    return float(row["health_score"]) if row and row["health_score"] is not None else None


def page_counts(conn: psycopg.Connection, *, site_id: int, start: datetime, end: datetime) -> dict[str, int]:
    row = conn.execute(
        "SELECT (SELECT count(*) FROM content WHERE site_id = %(s)s AND created_at < %(e)s) AS written,"
        " (SELECT count(*) FROM content WHERE site_id = %(s)s AND created_at >= %(b)s AND created_at < %(e)s)"
        "   AS written_in_month,"
        " (SELECT count(*) FROM publish_records WHERE site_id = %(s)s AND published_at < %(e)s) AS published,"
        " (SELECT count(*) FROM publish_records WHERE site_id = %(s)s AND published_at >= %(b)s"
        "   AND published_at < %(e)s) AS published_in_month,"
        " (SELECT count(*) FROM content c WHERE c.site_id = %(s)s AND c.created_at < %(e)s AND EXISTS"
        "   (SELECT 1 FROM links l WHERE l.target_content_id = c.id)) AS linked_to,"
        " (SELECT count(*) FROM links WHERE site_id = %(s)s) AS internal_links",
        {"s": site_id, "b": start, "e": end},
    ).fetchone()
    assert row is not None
    return {k: int(v) for k, v in row.items()}


def indexing_verdicts(conn: psycopg.Connection, *, site_id: int) -> dict[str, int]:
    """URL Inspection verdicts of the site's pages (PASS, NEUTRAL, FAIL, ...)."""
    if not table_exists(conn, "gsc_inspection_results"):
        return {}
    rows = conn.execute(
        "SELECT verdict, count(*) AS n FROM gsc_inspection_results WHERE site_id = %s"
        " GROUP BY verdict ORDER BY verdict",
        (site_id,),
    ).fetchall()
    return {r["verdict"]: int(r["n"]) for r in rows}


def search_days(conn: psycopg.Connection, *, site_id: int, start: date, end: date) -> list[dict[str, Any]]:
    """Clicks, impressions and impression-weighted position per day, ``start`` ≤ day < ``end``."""
    if not table_exists(conn, "gsc_search_analytics"):
        return []
    return conn.execute(
        "SELECT date, sum(clicks)::int AS clicks, sum(impressions)::int AS impressions,"
        " sum(position * impressions) / nullif(sum(impressions), 0) AS position FROM gsc_search_analytics"
        " WHERE site_id = %s AND date >= %s AND date < %s GROUP BY date ORDER BY date",
        (site_id, start, end),
    ).fetchall()


def top_pages(
    conn: psycopg.Connection, *, site_id: int, start: date, end: date, limit: int = 8
) -> list[dict[str, Any]]:
    if not table_exists(conn, "gsc_search_analytics"):
        return []
    return conn.execute(
        "SELECT page_url, sum(clicks)::int AS clicks, sum(impressions)::int AS impressions,"
        " sum(position * impressions) / nullif(sum(impressions), 0) AS position FROM gsc_search_analytics"
        " WHERE site_id = %s AND date >= %s AND date < %s GROUP BY page_url"
        " ORDER BY sum(clicks) DESC, sum(impressions) DESC, page_url LIMIT %s",
        (site_id, start, end, limit),
    ).fetchall()


def position_series(conn: psycopg.Connection, *, site_id: int, page_url: str) -> list[dict[str, Any]]:
    """One page's impression-weighted position per day (the tipping-point detector's input)."""
    if not table_exists(conn, "gsc_search_analytics"):
        return []
    return conn.execute(
        "SELECT date, sum(position * impressions) / nullif(sum(impressions), 0) AS position,"
        " sum(impressions)::int AS impressions FROM gsc_search_analytics WHERE site_id = %s AND page_url = %s"
        " GROUP BY date HAVING sum(impressions) > 0 ORDER BY date",
        (site_id, page_url),
    ).fetchall()


def backlinks_gained(conn: psycopg.Connection, *, site_id: int, start: datetime, end: datetime) -> dict[str, int]:
    row = conn.execute(
        "SELECT count(*) FILTER (WHERE o.live_at >= %(b)s AND o.live_at < %(e)s) AS gained,"
        " count(*) FILTER (WHERE o.status IN ('live', 'verified') AND o.live_at < %(e)s) AS live_total,"
        " count(*) FILTER (WHERE o.status = 'overdue') AS overdue,"
        " coalesce(sum(o.price_usd) FILTER (WHERE o.ordered_at >= %(b)s AND o.ordered_at < %(e)s), 0) AS spent_usd"
        " FROM backlink_orders o JOIN backlink_campaigns c ON c.id = o.campaign_id WHERE c.site_id = %(s)s",
        {"s": site_id, "b": start, "e": end},
    ).fetchone()
    assert row is not None
    return {k: int(v) for k, v in row.items()}


# -- the agency's brand --------------------------------------------------------------------------------
def get_brand(conn: psycopg.Connection, *, account_id: int) -> dict[str, Any] | None:
    return conn.execute(
        "SELECT agency_name, logo, logo_mime, primary_color, accent_color FROM report_brands WHERE account_id = %s",
        (account_id,),
    ).fetchone()


def save_brand(
    conn: psycopg.Connection,
    *,
    account_id: int,
    agency_name: str,
    logo: bytes | None,
    logo_mime: str | None,
    primary_color: str,
    accent_color: str,
) -> None:
    conn.execute(
        "INSERT INTO report_brands (account_id, agency_name, logo, logo_mime, primary_color, accent_color)"
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (account_id) DO UPDATE SET agency_name = EXCLUDED.agency_name,"
        " logo = coalesce(EXCLUDED.logo, report_brands.logo), logo_mime = coalesce(EXCLUDED.logo_mime,"
        " report_brands.logo_mime), primary_color = EXCLUDED.primary_color, accent_color = EXCLUDED.accent_color,"
        " updated_at = now()",
        (account_id, agency_name, logo, logo_mime, primary_color, accent_color),
    )


# -- generated reports -----------------------------------------------------------------------------------
def record_report(
    conn: psycopg.Connection, *, site_id: int, month: str, fmt: str, path: str, figures: dict[str, Any]
) -> None:
    conn.execute(
        "INSERT INTO site_reports (site_id, month, format, path, figures) VALUES (%s, %s, %s, %s, %s)"
        " ON CONFLICT (site_id, month, format) DO UPDATE SET path = EXCLUDED.path, figures = EXCLUDED.figures,"
        " created_at = now()",
        (site_id, month, fmt, path, Jsonb(figures)),
    )


def list_reports(conn: psycopg.Connection, *, site_id: int) -> list[dict[str, Any]]:
    return conn.execute(
        "SELECT month, format, path, created_at FROM site_reports WHERE site_id = %s ORDER BY month DESC, format",
        (site_id,),
    ).fetchall()


def has_report(conn: psycopg.Connection, *, site_id: int, month: str, fmt: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM site_reports WHERE site_id = %s AND month = %s AND format = %s", (site_id, month, fmt)
    ).fetchone()
    return row is not None
