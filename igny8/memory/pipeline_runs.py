"""Pipeline runs (pipeline_runs): one row per start of the pipeline for a site and blueprint, found again by
its options when a killed run is resumed; its live progress and heartbeat, written by the process running it,
which holds the site's session advisory lock on a connection of its own. Also the counts the status shows."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

_LOCK_NAMESPACE = 0x1687_0021  # advisory lock (namespace, site id): held by the process running the site's pipeline


def lease_connection(url: str) -> psycopg.Connection:
    """An autocommit connection of its own for one run: the lock lives as long as it does (a killed process's
    connection closes, and the lock goes with it)."""
    return psycopg.connect(url, autocommit=True, row_factory=dict_row, connect_timeout=10)


def try_lock_site(conn: psycopg.Connection, *, site_id: int) -> bool:
    row = conn.execute("SELECT pg_try_advisory_lock(%s, %s) AS ok", (_LOCK_NAMESPACE, site_id)).fetchone()
    return bool(row and row["ok"])


def end_stale_holder(conn: psycopg.Connection, *, site_id: int, stale_after_s: float) -> bool:
    """End the session holding the site's lock when the site's running run has no heartbeat for stale_after_s (its
    process is gone, though its connection lingers); True when one was ended (waits up to 5 s for it to go).
    False when this role may not end it (another role's session, without pg_signal_backend)."""
    try:
        row = conn.execute(
            "SELECT bool_or(pg_terminate_backend(l.pid, 5000)) AS ended FROM pg_locks l"
            " WHERE l.locktype = 'advisory' AND l.granted AND l.classid = %s::bigint::oid AND l.objid = %s::bigint::oid"
            " AND l.objsubid = 2 AND l.pid <> pg_backend_pid() AND EXISTS (SELECT 1 FROM pipeline_runs r"
            "  WHERE r.site_id = %s AND r.status = 'running'"
            "  AND coalesce(r.heartbeat_at, r.started_at) < now() - make_interval(secs => %s))",
            (_LOCK_NAMESPACE, site_id, site_id, stale_after_s),
        ).fetchone()
    except psycopg.errors.InsufficientPrivilege:
        return False
    return bool(row and row["ended"])


def interrupt_other_runs(conn: psycopg.Connection, *, site_id: int, keep: int | None) -> None:
    """With the site's lock held, every other 'running' row is a run whose process died: mark it interrupted."""
    conn.execute(
        "UPDATE pipeline_runs SET status = 'interrupted' WHERE site_id = %s AND status = 'running'"
        " AND id IS DISTINCT FROM %s",
        (site_id, keep),
    )


def reopen_run(conn: psycopg.Connection, *, run_id: int, live: dict[str, Any]) -> None:
    conn.execute(
        "UPDATE pipeline_runs SET status = 'running', live = %s, heartbeat_at = now() WHERE id = %s",
        (Jsonb(live), run_id),
    )


def record_live(conn: psycopg.Connection, *, run_id: int, live: dict[str, Any]) -> None:
    """The run's progress as its process sees it now, and a heartbeat."""
    conn.execute("UPDATE pipeline_runs SET live = %s, heartbeat_at = now() WHERE id = %s", (Jsonb(live), run_id))


def resumable_run(
    conn: psycopg.Connection, *, site_id: int, blueprint_id: int | None, options: dict[str, Any]
) -> int | None:
    """The latest run with these options that did not finish (still 'running' after a kill, or interrupted)."""
    row = conn.execute(
        "SELECT id FROM pipeline_runs WHERE site_id = %s AND blueprint_id = %s AND status IN ('running', 'interrupted')"
        " AND stages->'options' = %s ORDER BY id DESC LIMIT 1",
        (site_id, blueprint_id, Jsonb(options)),
    ).fetchone()
    return int(row["id"]) if row else None


def start_run(conn: psycopg.Connection, *, site_id: int, blueprint_id: int | None, options: dict[str, Any]) -> int:
    row = conn.execute(
        "INSERT INTO pipeline_runs (site_id, blueprint_id, status, stages, heartbeat_at)"
        " VALUES (%s, %s, 'running', %s, now()) RETURNING id",
        (site_id, blueprint_id, Jsonb({"options": options})),
    ).fetchone()
    assert row is not None
    return int(row["id"])


def mark_run_interrupted(conn: psycopg.Connection, *, run_id: int, live: dict[str, Any] | None = None) -> None:
    conn.execute(
        "UPDATE pipeline_runs SET status = 'interrupted', live = live || %s, heartbeat_at = now() WHERE id = %s",
        (Jsonb(live or {}), run_id),
    )


def finish_run(
    conn: psycopg.Connection, *, run_id: int, counts: dict[str, Any], seconds: float, live: dict[str, Any] | None = None
) -> None:
    conn.execute(
        "UPDATE pipeline_runs SET status = 'finished', finished_at = now(), stages = stages || %s,"
        " live = live || %s, heartbeat_at = now() WHERE id = %s",
        (Jsonb({"counts": counts, "seconds": seconds}), Jsonb(live or {}), run_id),
    )


def recent_runs(
    conn: psycopg.Connection, *, site_id: int, stale_after_s: float, limit: int = 5
) -> list[dict[str, Any]]:
    """The site's latest runs, newest first: id, status, started_at, finished_at, stages, live, and going: a
    'running' row is going only while a process holds the site's lock and its heartbeat is fresher than
    stale_after_s (else its process died, and it is resumable)."""
    return conn.execute(
        "SELECT r.id, r.status, r.started_at, r.finished_at, r.stages, r.live,"
        " (r.status = 'running' AND coalesce(r.heartbeat_at > now() - make_interval(secs => %s), false)"
        "  AND EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted"
        "  AND l.classid = %s::bigint::oid AND l.objid = r.site_id::oid AND l.objsubid = 2)) AS going"
        " FROM pipeline_runs r WHERE r.site_id = %s ORDER BY r.id DESC LIMIT %s",
        (stale_after_s, _LOCK_NAMESPACE, site_id, limit),
    ).fetchall()


def pipeline_counts(conn: psycopg.Connection, *, site_id: int) -> dict[str, Any]:
    """What the pipeline has made for the site: ideas, tasks, pages, approved pages, images, credits spent."""
    row = conn.execute(
        "SELECT (SELECT count(*) FROM ideas WHERE site_id = %(s)s) AS ideas,"
        " (SELECT count(*) FROM tasks WHERE site_id = %(s)s) AS tasks,"
        " (SELECT count(*) FROM content WHERE site_id = %(s)s) AS pages,"
        " (SELECT count(*) FROM content WHERE site_id = %(s)s AND status = 'approved') AS approved,"
        " (SELECT count(*) FROM images m JOIN content c ON c.id = m.content_id WHERE c.site_id = %(s)s"
        "  AND m.path IS NOT NULL) AS images,"
        " (SELECT coalesce(sum(credits), 0) FROM credit_ledger WHERE site_id = %(s)s) AS credits",
        {"s": site_id},
    ).fetchone()
    assert row is not None
    return dict(row)
