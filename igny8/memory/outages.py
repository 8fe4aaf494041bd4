"""Rows of ``service_outages``: open one (or count another failed attempt), claim due retries, resolve."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import psycopg
from psycopg.rows import dict_row

SERVICES = ("wordpress", "model", "search_console", "social")


def record_failure(
    conn: psycopg.Connection,
    *,
    site_id: int,
    service: str,
    error: str,
    retry_in: timedelta,
    waiting: int = 0,
    retry_tasks: list[str] | None = None,
) -> dict[str, Any]:
    """Open the site's outage of ``service``, or count one more failed attempt of the open one."""
    with conn.cursor(row_factory=dict_row) as cur:
        row = cur.execute(
            "INSERT INTO service_outages (site_id, service, last_error, waiting, retry_tasks, next_retry_at)"
            " VALUES (%(site)s, %(service)s, %(error)s, %(waiting)s, %(tasks)s, now() + %(retry_in)s)"
            " ON CONFLICT (site_id, service) WHERE resolved_at IS NULL DO UPDATE SET"
            "  attempts = service_outages.attempts + 1, last_error = EXCLUDED.last_error,"
            "  waiting = EXCLUDED.waiting, next_retry_at = EXCLUDED.next_retry_at, updated_at = now(),"
            "  retry_tasks = ARRAY(SELECT DISTINCT unnest(service_outages.retry_tasks || EXCLUDED.retry_tasks))"
            " RETURNING *",
            {
                "site": site_id,
                "service": service,
                "error": error[:2000],
                "waiting": waiting,
                "tasks": retry_tasks or [],
                "retry_in": retry_in,
            },
        ).fetchone()
    assert row is not None
    return row


def open_outage(conn: psycopg.Connection, *, site_id: int, service: str) -> dict[str, Any] | None:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "SELECT * FROM service_outages WHERE site_id = %s AND service = %s AND resolved_at IS NULL",
            (site_id, service),
        ).fetchone()


def open_outages(conn: psycopg.Connection, *, site_id: int) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "SELECT * FROM service_outages WHERE site_id = %s AND resolved_at IS NULL ORDER BY since", (site_id,)
        ).fetchall()


def claim_due_retry(conn: psycopg.Connection, *, lease: timedelta) -> dict[str, Any] | None:
    """One open outage whose retry is due, pushed ``lease`` ahead so no other worker takes it meanwhile."""
    with conn.transaction(), conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "UPDATE service_outages SET next_retry_at = now() + %s, updated_at = now() WHERE id = ("
            " SELECT id FROM service_outages WHERE resolved_at IS NULL AND next_retry_at <= now()"
            " ORDER BY next_retry_at LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING *",
            (lease,),
        ).fetchone()


def resolve(conn: psycopg.Connection, *, site_id: int, service: str) -> bool:
    """The service answered again: close the open outage (True when there was one)."""
    cur = conn.execute(
        "UPDATE service_outages SET resolved_at = now(), waiting = 0, updated_at = now()"
        " WHERE site_id = %s AND service = %s AND resolved_at IS NULL",
        (site_id, service),
    )
    return cur.rowcount > 0


def history(conn: psycopg.Connection, *, site_id: int, limit: int = 20) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(
            "SELECT * FROM service_outages WHERE site_id = %s ORDER BY since DESC LIMIT %s", (site_id, limit)
        ).fetchall()
