"""`igny8 worker`: runs due maintenance on a PostgreSQL-backed schedule. Schedules survive restarts (they are
rows); several workers may run (claims use SKIP LOCKED); a site never has two runs at once (an advisory lock
while running, and a unique index on running runs); a run whose worker died is resumed from its checkpoint."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg.rows import dict_row

from igny8.graphs.maintenance import MaintenanceContext, WritePages, build_graph
from igny8.memory import maintenance_repo as repo
from igny8.memory.checkpoints import open_checkpointer
from igny8.memory.tenancy import NotFound, site_account
from igny8.services import Services
from igny8.workflows.pipeline_run import run_pipeline

log = logging.getLogger(__name__)


def _pipeline_writer(runtime: Services) -> WritePages:
    def write_pages(account_id: int, site_id: int, limit: int) -> dict[str, Any]:
        return run_pipeline(runtime, account_id=account_id, site_id=site_id, limit=limit).counts

    return write_pages


def run_site_maintenance(
    runtime: Services, lock_conn: psycopg.Connection, *, site_id: int, tasks: list[str]
) -> dict[str, Any] | None:
    """Run (or resume) one site's maintenance; None when another worker holds the site."""
    if not repo.try_lock_site(lock_conn, site_id):
        return None
    try:
        with runtime.database.connection() as conn:
            account_id = site_account(conn, site_id=site_id)
            if account_id is None:
                raise NotFound(f"site {site_id} not found")
            run_id, resumed = repo.start_or_resume_run(conn, site_id)
        config = {"configurable": {"thread_id": f"maintenance-{run_id}"}}
        try:
            with open_checkpointer(runtime.database) as saver:
                graph = build_graph(saver)
                snapshot = graph.get_state(config)
                start = (
                    None
                    if (resumed and snapshot.next)
                    else {"site_id": site_id, "account_id": account_id, "tasks": tasks}
                )
                values = graph.invoke(start, config, context=MaintenanceContext(runtime, _pipeline_writer(runtime)))
            report = {**values["report"], "resumed": resumed, "run_id": run_id}
            with runtime.database.connection() as conn:
                repo.finish_run(conn, run_id, "finished", report)
            return report
        except Exception as exc:
            log.exception("maintenance of site %s failed", site_id)
            with runtime.database.connection() as conn:
                repo.finish_run(conn, run_id, "failed", {"error": str(exc)})
            return {"error": str(exc), "run_id": run_id}
    finally:
        repo.unlock_site(lock_conn, site_id)


def work_once(
    runtime: Services,
    lock_conn: psycopg.Connection,
    on_report: Callable[[int, dict[str, Any]], None] = lambda site, report: None,
) -> int:
    """Resume stale runs, then run every due schedule; returns how many runs were done."""
    done = 0
    with runtime.database.connection() as conn:
        stale = repo.stale_running_sites(conn)
    for site_id in stale:
        with runtime.database.connection() as conn:
            tasks = repo.scheduled_tasks(conn, site_id=site_id)
        if tasks is None:
            tasks = list(repo.TASKS)
        report = run_site_maintenance(runtime, lock_conn, site_id=site_id, tasks=tasks)
        if report is not None:
            on_report(site_id, report)
            done += 1
    while True:
        with runtime.database.connection() as conn:
            claimed = repo.claim_due_site(conn)
        if claimed is None:
            return done
        report = run_site_maintenance(runtime, lock_conn, site_id=claimed["site_id"], tasks=claimed["tasks"])
        if report is not None:
            on_report(claimed["site_id"], report)
            done += 1


def run_worker(
    runtime: Services,
    *,
    once: bool,
    poll_s: float,
    on_report: Callable[[int, dict[str, Any]], None] = lambda site, report: None,
) -> int:
    total = 0
    with psycopg.connect(runtime.database.url, autocommit=True, row_factory=dict_row) as lock_conn:
        while True:
            total += work_once(runtime, lock_conn, on_report)
            if once:
                return total
            time.sleep(poll_s)
