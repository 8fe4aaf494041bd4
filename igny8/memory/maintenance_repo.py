"""The maintenance scheduler's state in PostgreSQL: schedules per site, claimed with SKIP LOCKED; runs, at
most one running per site (a unique index), guarded while they run by a session advisory lock."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import Jsonb

TASKS = ("health", "links", "optimize", "gaps", "search_console")
_LOCK_BASE = 0x1687_0000_0000


def set_schedule(
    conn: psycopg.Connection,
    *,
    site_id: int,
    every_hours: int,
    tasks: list[str],
    enabled: bool = True,
    run_now: bool = False,
) -> dict[str, Any]:
    unknown = [t for t in tasks if t not in TASKS]
    if unknown or not tasks:
        raise ValueError(
            f"unknown maintenance task {', '.join(unknown) or '(none given)'}; tasks are {', '.join(TASKS)}"
        )
    if not 1 <= every_hours <= 8760:
        raise ValueError("the interval must be 1–8760 hours")
    row = conn.execute(
        "INSERT INTO maintenance_schedules (site_id, every_hours, tasks, enabled, next_run_at) VALUES"
        " (%s, %s, %s, %s, now() + CASE WHEN %s THEN interval '0' ELSE make_interval(hours => %s) END)"
        " ON CONFLICT (site_id) DO UPDATE SET every_hours = EXCLUDED.every_hours, tasks = EXCLUDED.tasks,"
        " enabled = EXCLUDED.enabled, next_run_at = CASE WHEN %s THEN now() ELSE maintenance_schedules.next_run_at END,"
        " updated_at = now() RETURNING *",
        (site_id, every_hours, Jsonb(tasks), enabled, run_now, every_hours, run_now),
    ).fetchone()
    return dict(row)


def get_schedule(conn: psycopg.Connection, *, site_id: int) -> dict[str, Any] | None:
    return conn.execute("SELECT * FROM maintenance_schedules WHERE site_id = %s", (site_id,)).fetchone()


def scheduled_tasks(conn: psycopg.Connection, *, site_id: int) -> list[str] | None:
    """The tasks of the site's schedule; None when it has none."""
    row = conn.execute("SELECT tasks FROM maintenance_schedules WHERE site_id = %s", (site_id,)).fetchone()
    return row["tasks"] if row else None


def claim_due_site(conn: psycopg.Connection) -> dict[str, Any] | None:
    """Take the most overdue schedule and move its next run forward, in one transaction."""
    row = conn.execute(
        "SELECT * FROM maintenance_schedules WHERE enabled AND next_run_at <= now() ORDER BY next_run_at"
        " FOR UPDATE SKIP LOCKED LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    conn.execute(
        "UPDATE maintenance_schedules SET next_run_at = now() + make_interval(hours => every_hours) WHERE site_id = %s",
        (row["site_id"],),
    )
    return dict(row)


def try_lock_site(conn: psycopg.Connection, site_id: int) -> bool:
    """A session-level lock on an autocommit connection held for the whole run; a crashed worker's lock goes
    with its connection, which is how a stale 'running' row is recognised."""
    return bool(conn.execute("SELECT pg_try_advisory_lock(%s) AS ok", (_LOCK_BASE + site_id,)).fetchone()["ok"])


def unlock_site(conn: psycopg.Connection, site_id: int) -> None:
    conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK_BASE + site_id,))


def stale_running_sites(conn: psycopg.Connection) -> list[int]:
    return [r["site_id"] for r in conn.execute("SELECT site_id FROM maintenance_runs WHERE status = 'running'")]


def recent_runs(conn: psycopg.Connection, *, site_id: int) -> list[dict[str, Any]]:
    """The site's five latest runs, newest first: id, status, started_at, report."""
    return conn.execute(
        "SELECT id, status, started_at, report FROM maintenance_runs WHERE site_id = %s ORDER BY id DESC LIMIT 5",
        (site_id,),
    ).fetchall()


def start_or_resume_run(conn: psycopg.Connection, site_id: int) -> tuple[int, bool]:
    row = conn.execute(
        "SELECT id FROM maintenance_runs WHERE site_id = %s AND status = 'running'", (site_id,)
    ).fetchone()
    if row:
        return int(row["id"]), True
    row = conn.execute(
        "INSERT INTO maintenance_runs (site_id, status) VALUES (%s, 'running') RETURNING id", (site_id,)
    ).fetchone()
    return int(row["id"]), False


def finish_run(conn: psycopg.Connection, run_id: int, status: str, report: dict[str, Any]) -> None:
    conn.execute(
        "UPDATE maintenance_runs SET status = %s, report = %s, finished_at = now() WHERE id = %s",
        (status, Jsonb(report), run_id),
    )
