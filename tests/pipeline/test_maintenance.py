"""Scheduled maintenance on the PostgreSQL-backed scheduler: runs when due, keeps health history, repairs
links, one run per site at a time, and a run whose worker died is resumed."""

import psycopg
import pytest
from psycopg.rows import dict_row

from igny8.memory import maintenance_repo as repo
from igny8.services import Services
from igny8.workflows.maintenance_worker import run_site_maintenance, work_once
from igny8.workflows.pipeline_run import run_pipeline


@pytest.fixture()
def lock_conn(runtime: Services):  # type: ignore[no-untyped-def]
    with psycopg.connect(runtime.database.url, autocommit=True, row_factory=dict_row) as conn:
        yield conn


def test_due_schedule_runs_and_keeps_history(runtime: Services, active_site: tuple[int, int], lock_conn) -> None:  # type: ignore[no-untyped-def]
    account, site = active_site
    run_pipeline(runtime, account_id=account, site_id=site, limit=8)
    with runtime.database.connection() as conn:
        conn.execute("UPDATE content SET status = 'approved' WHERE site_id = %s", (site,))
        repo.set_schedule(conn, site_id=site, every_hours=168, tasks=["health", "links", "gaps"], run_now=True)
    reports: dict[int, dict] = {}
    assert work_once(runtime, lock_conn, lambda s, r: reports.__setitem__(s, r)) >= 1
    report = reports[site]
    assert 0 < report["health"] <= 100
    assert report["links"]["orphans_after"] == 0
    assert report["gaps"]["written"] == 5
    with runtime.database.connection() as conn:
        history = conn.execute("SELECT score FROM health_history WHERE site_id = %s", (site,)).fetchall()
        schedule = conn.execute(
            "SELECT next_run_at > now() + interval '167 hours' AS later FROM maintenance_schedules WHERE site_id = %s",
            (site,),
        ).fetchone()
    assert len(history) == 1 and schedule["later"] is True
    assert work_once(runtime, lock_conn) == 0, "not due again for a week"


def test_one_run_per_site_at_a_time(runtime: Services, active_site: tuple[int, int], lock_conn) -> None:  # type: ignore[no-untyped-def]
    _, site = active_site
    with psycopg.connect(runtime.database.url, autocommit=True, row_factory=dict_row) as other_worker:
        assert repo.try_lock_site(other_worker, site)
        assert run_site_maintenance(runtime, lock_conn, site_id=site, tasks=["health"]) is None
        repo.unlock_site(other_worker, site)
    assert run_site_maintenance(runtime, lock_conn, site_id=site, tasks=["health"])["health"] >= 0
    with runtime.database.connection() as conn:
        conn.execute("INSERT INTO maintenance_runs (site_id, status) VALUES (%s, 'running')", (site,))
        with pytest.raises(psycopg.errors.UniqueViolation):
            with conn.transaction():
                conn.execute("INSERT INTO maintenance_runs (site_id, status) VALUES (%s, 'running')", (site,))


def test_a_run_left_running_by_a_dead_worker_is_resumed(
    runtime: Services, active_site: tuple[int, int], lock_conn
) -> None:  # type: ignore[no-untyped-def]
    _, site = active_site
    with runtime.database.connection() as conn:
        repo.set_schedule(conn, site_id=site, every_hours=24, tasks=["health"])
        stale = conn.execute(
            "INSERT INTO maintenance_runs (site_id, status) VALUES (%s, 'running') RETURNING id", (site,)
        ).fetchone()["id"]
    reports: dict[int, dict] = {}
    work_once(runtime, lock_conn, lambda s, r: reports.__setitem__(s, r))
    assert reports[site]["run_id"] == stale and reports[site]["resumed"] is True
    with runtime.database.connection() as conn:
        assert (
            conn.execute("SELECT status FROM maintenance_runs WHERE id = %s", (stale,)).fetchone()["status"]
            == "finished"
        )


def test_schedule_validation(runtime: Services, active_site: tuple[int, int]) -> None:
    _, site = active_site
    with runtime.database.connection() as conn:
        with pytest.raises(ValueError, match="unknown maintenance task backups"):
            repo.set_schedule(conn, site_id=site, every_hours=24, tasks=["backups"])
        with pytest.raises(ValueError, match="1–8760 hours"):
            repo.set_schedule(conn, site_id=site, every_hours=0, tasks=["health"])
