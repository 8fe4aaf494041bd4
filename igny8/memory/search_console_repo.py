"""Search Console connections (gsc_connections, the credential sealed by the caller) and the cached search
analytics (gsc_search_analytics, gsc_synced_days)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg


@dataclass(frozen=True, slots=True)
class StoredGscConnection:
    site_id: int
    property: str
    auth_kind: str
    credential_secret: str  # sealed
    state: str
    state_detail: str | None


def upsert_connection(
    conn: psycopg.Connection, *, site_id: int, prop: str, auth_kind: str, sealed_credential: str
) -> None:
    conn.execute(
        "INSERT INTO gsc_connections (site_id, property, auth_kind, credential_secret) VALUES (%s, %s, %s, %s)"
        " ON CONFLICT (site_id) DO UPDATE SET property = EXCLUDED.property, auth_kind = EXCLUDED.auth_kind,"
        " credential_secret = EXCLUDED.credential_secret, state = 'connected', state_detail = NULL, updated_at = now()",
        (site_id, prop, auth_kind, sealed_credential),
    )


def get_connection(conn: psycopg.Connection, *, site_id: int) -> StoredGscConnection | None:
    row = conn.execute(
        "SELECT site_id, property, auth_kind, credential_secret, state, state_detail FROM gsc_connections"
        " WHERE site_id = %s",
        (site_id,),
    ).fetchone()
    return StoredGscConnection(**row) if row else None


def connection_overview(conn: psycopg.Connection, *, site_id: int) -> dict[str, Any] | None:
    """What a page may show of the connection (never the credential): property, kind, state and since when,
    with the last analytics sync (when it ran, the latest day stored)."""
    return conn.execute(
        "SELECT c.property, c.auth_kind, c.state, c.state_detail, c.updated_at AS since,"
        " (SELECT max(d.fetched_at) FROM gsc_synced_days d WHERE d.site_id = c.site_id) AS last_synced_at,"
        " (SELECT max(d.date) FROM gsc_synced_days d WHERE d.site_id = c.site_id) AS latest_day"
        " FROM gsc_connections c WHERE c.site_id = %s",
        (site_id,),
    ).fetchone()


def delete_connection(conn: psycopg.Connection, *, site_id: int) -> bool:
    """Forget the site's credential (stored analytics and inspections stay); False when there was none."""
    return conn.execute("DELETE FROM gsc_connections WHERE site_id = %s", (site_id,)).rowcount > 0


def mark_reconnect(conn: psycopg.Connection, *, site_id: int, detail: str) -> None:
    conn.execute(
        "UPDATE gsc_connections SET state = 'reconnect', state_detail = %s, updated_at = now() WHERE site_id = %s",
        (detail[:500], site_id),
    )


def replace_credential(conn: psycopg.Connection, *, site_id: int, old_secret: str, new_secret: str) -> None:
    conn.execute(
        "UPDATE gsc_connections SET credential_secret = %s WHERE site_id = %s AND credential_secret = %s",
        (new_secret, site_id, old_secret),
    )


def synced_days(conn: psycopg.Connection, *, site_id: int, start: date, end: date) -> set[date]:
    rows = conn.execute(
        "SELECT date FROM gsc_synced_days WHERE site_id = %s AND date BETWEEN %s AND %s", (site_id, start, end)
    ).fetchall()
    return {r["date"] for r in rows}


def replace_days(
    conn: psycopg.Connection, *, site_id: int, days: Iterable[date], rows: Iterable[tuple[Any, ...]]
) -> int:
    """Replace the stored rows of ``days`` with ``rows`` (date, page_url, query, clicks, impressions, ctr,
    position), in one transaction; returns the rows written."""
    days = sorted(set(days))
    per_day: dict[date, int] = dict.fromkeys(days, 0)
    written = 0
    with conn.transaction():
        conn.execute("DELETE FROM gsc_search_analytics WHERE site_id = %s AND date = ANY(%s)", (site_id, days))
        with (
            conn.cursor() as cur,
            cur.copy(
                "COPY gsc_search_analytics (site_id, date, page_url, query, clicks, impressions, ctr, position)"
                " FROM STDIN"
            ) as copy,
        ):
            for row in rows:
                if row[0] not in per_day:
                    continue
                copy.write_row((site_id, *row))
                per_day[row[0]] += 1
                written += 1
        for day, count in per_day.items():
            conn.execute(
                "INSERT INTO gsc_synced_days (site_id, date, row_count) VALUES (%s, %s, %s) ON CONFLICT (site_id, date)"
                " DO UPDATE SET row_count = EXCLUDED.row_count, fetched_at = now()",
                (site_id, day, count),
            )
    return written


def page_query_totals(conn: psycopg.Connection, *, site_id: int, start: date, end: date) -> list[dict[str, Any]]:
    """Clicks, impressions and impression-weighted position per page × query between two dates."""
    return conn.execute(
        "SELECT page_url, query, sum(clicks)::int AS clicks, sum(impressions)::int AS impressions,"
        " sum(position * impressions) / nullif(sum(impressions), 0) AS position"
        " FROM gsc_search_analytics WHERE site_id = %s AND date BETWEEN %s AND %s GROUP BY page_url, query",
        (site_id, start, end),
    ).fetchall()


def page_totals(conn: psycopg.Connection, *, site_id: int, start: date, end: date) -> list[dict[str, Any]]:
    return conn.execute(
        "SELECT page_url, sum(clicks)::int AS clicks, sum(impressions)::int AS impressions,"
        " sum(position * impressions) / nullif(sum(impressions), 0) AS position"
        " FROM gsc_search_analytics WHERE site_id = %s AND date BETWEEN %s AND %s GROUP BY page_url",
        (site_id, start, end),
    ).fetchall()


def daily_totals(conn: psycopg.Connection, *, site_id: int, start: date, end: date) -> list[dict[str, Any]]:
    return conn.execute(
        "SELECT date, sum(clicks)::int AS clicks, sum(impressions)::int AS impressions FROM gsc_search_analytics"
        " WHERE site_id = %s AND date BETWEEN %s AND %s GROUP BY date ORDER BY date",
        (site_id, start, end),
    ).fetchall()


def latest_day(conn: psycopg.Connection, *, site_id: int) -> date | None:
    row = conn.execute("SELECT max(date) AS day FROM gsc_synced_days WHERE site_id = %s", (site_id,)).fetchone()
    return row["day"] if row else None


def top_queries(conn: psycopg.Connection, *, site_id: int, page_url: str, limit: int) -> list[str]:
    """The queries that brought the page the most impressions over the stored days."""
    rows = conn.execute(
        "SELECT query FROM gsc_search_analytics WHERE site_id = %s AND page_url = %s GROUP BY query"
        " ORDER BY sum(impressions) DESC, query LIMIT %s",
        (site_id, page_url, limit),
    ).fetchall()
    return [r["query"] for r in rows]


def clicks_between(conn: psycopg.Connection, *, site_id: int, start: date, end: date) -> tuple[int, int]:
    """(clicks, impressions) of the site between two dates."""
    row = conn.execute(
        "SELECT coalesce(sum(clicks), 0)::int AS clicks, coalesce(sum(impressions), 0)::int AS impressions"
        " FROM gsc_search_analytics WHERE site_id = %s AND date BETWEEN %s AND %s",
        (site_id, start, end),
    ).fetchone()
    return (int(row["clicks"]), int(row["impressions"])) if row else (0, 0)
