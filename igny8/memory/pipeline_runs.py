"""Pipeline runs (pipeline_runs): one row per start of the pipeline for a site and blueprint, found again by
its options when a killed run is resumed. Also the counts the pipeline's status shows."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import Jsonb


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
        "INSERT INTO pipeline_runs (site_id, blueprint_id, status, stages) VALUES (%s, %s, 'running', %s) RETURNING id",
        (site_id, blueprint_id, Jsonb({"options": options})),
    ).fetchone()
    assert row is not None
    return int(row["id"])


def mark_run_interrupted(conn: psycopg.Connection, *, run_id: int) -> None:
    conn.execute("UPDATE pipeline_runs SET status = 'interrupted' WHERE id = %s", (run_id,))


def finish_run(conn: psycopg.Connection, *, run_id: int, counts: dict[str, Any], seconds: float) -> None:
    conn.execute(
        "UPDATE pipeline_runs SET status = 'finished', finished_at = now(), stages = stages || %s WHERE id = %s",
        (Jsonb({"counts": counts, "seconds": seconds}), run_id),
    )


def recent_runs(conn: psycopg.Connection, *, site_id: int) -> list[dict[str, Any]]:
    """The site's five latest runs, newest first: id, status, started_at, finished_at, stages."""
    return conn.execute(
        "SELECT id, status, started_at, finished_at, stages FROM pipeline_runs WHERE site_id = %s"
        " ORDER BY id DESC LIMIT 5",
        (site_id,),
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
