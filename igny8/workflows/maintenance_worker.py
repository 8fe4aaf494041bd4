"""`igny8 worker`: runs due maintenance on a PostgreSQL-backed schedule. Schedules survive restarts (they are
rows); several workers may run (claims use SKIP LOCKED); a site never has two runs at once (an advisory lock
while running, and a unique index on running runs); a run whose worker died is resumed from its checkpoint."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import psycopg
from psycopg.rows import dict_row

from igny8.graphs.maintenance import MaintenanceContext, WritePages, build_graph
from igny8.memory import maintenance_repo as repo
from igny8.memory import outages
from igny8.memory.blueprints import get_blueprint
from igny8.memory.checkpoints import open_checkpointer
from igny8.memory.tenancy import NotFound, site_account
from igny8.services import Services
from igny8.stages.publish_or_wait import publish_or_wait
from igny8.workflows import shutdown
from igny8.workflows.pipeline_run import run_pipeline
from igny8.workflows.public_errors import public_error
from igny8.workflows.reports import scheduled_monthly_report
from igny8.workflows.search_console_maintenance import search_console_work

log = logging.getLogger(__name__)

RETRY_LEASE = timedelta(minutes=10)  # a claimed retry is not taken by another worker meanwhile


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
                context = MaintenanceContext(runtime, _pipeline_writer(runtime), search_console_work(runtime))
                values = graph.invoke(start, config, context=context)
            report = {**values["report"], "resumed": resumed, "run_id": run_id}
            report["monthly_report"] = scheduled_monthly_report(
                runtime.database, runtime.settings.data_dir, account_id=account_id, site_id=site_id
            )
            with runtime.database.connection() as conn:
                repo.finish_run(conn, run_id, "finished", report)
            return report
        except Exception as exc:
            known = public_error(exc)
            if known is None:  # a bug: its traceback is logged once, under the run id
                log.exception("maintenance run %s of site %s failed", run_id, site_id)
                message = f"unexpected {type(exc).__name__}; see the worker log for maintenance run {run_id}"
            else:  # expected (bad credentials, a refused edit...): one line, no traceback
                message = known.message
                log.warning("maintenance run %s of site %s failed: %s", run_id, site_id, message)
            with runtime.database.connection() as conn:
                repo.finish_run(conn, run_id, "failed", {"error": message})
            return {"error": message, "run_id": run_id}
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
    done += retry_due_outages(runtime, lock_conn, on_report)
    while not shutdown.stop_requested():
        with runtime.database.connection() as conn:
            claimed = repo.claim_due_site(conn)
        if claimed is None:
            return done
        report = run_site_maintenance(runtime, lock_conn, site_id=claimed["site_id"], tasks=claimed["tasks"])
        if report is not None:
            on_report(claimed["site_id"], report)
            done += 1
    return done


def retry_due_outages(
    runtime: Services,
    lock_conn: psycopg.Connection,
    on_report: Callable[[int, dict[str, Any]], None] = lambda site, report: None,
) -> int:
    """Try again what waits on a third party whose retry is due: WordPress → publish the waiting pages;
    anything else → the maintenance tasks that met the outage. Returns how many retries ran."""
    done = 0
    while not shutdown.stop_requested():
        with runtime.database.connection() as conn:
            outage = outages.claim_due_retry(conn, lease=RETRY_LEASE)
        if outage is None:
            return done
        site_id = outage["site_id"]
        if outage["service"] == "wordpress":
            report = _retry_publish(runtime, site_id)
        else:
            tasks = [t for t in outage["retry_tasks"] if t in repo.TASKS] or ["health"]
            with runtime.database.connection() as conn:
                outages.resolve(conn, site_id=site_id, service=outage["service"])  # the run re-opens it if still down
            report = run_site_maintenance(runtime, lock_conn, site_id=site_id, tasks=tasks)
        if report is not None:
            on_report(site_id, {"retry": outage["service"], **report})
            done += 1
    return done


def _retry_publish(runtime: Services, site_id: int) -> dict[str, Any]:
    with runtime.database.connection() as conn:
        account_id = site_account(conn, site_id=site_id)
        if account_id is None:
            return {"error": f"site {site_id} not found"}
        blueprint = get_blueprint(conn, account_id=account_id, site_id=site_id)
    try:
        return publish_or_wait(runtime.database, account_id=account_id, site_id=site_id, blueprint=blueprint)
    except Exception as exc:  # credentials revoked meanwhile, the plugin removed...: a person must act
        known = public_error(exc)
        message = known.message if known else f"unexpected {type(exc).__name__} while publishing"
        if known is None:
            log.exception("publish retry of site %s failed", site_id)
        else:
            log.warning("publish retry of site %s failed: %s", site_id, message)
        with runtime.database.connection() as conn:
            outages.resolve(conn, site_id=site_id, service="wordpress")  # not an outage: no more blind retries
        return {"error": message}


def run_worker(
    runtime: Services,
    *,
    once: bool,
    poll_s: float,
    on_report: Callable[[int, dict[str, Any]], None] = lambda site, report: None,
) -> int:
    """Work until stopped. SIGTERM/SIGINT (with cooperative handling installed) lets the item in flight finish,
    then returns; an item that does not finish in time keeps its checkpoint and resumes at the next start."""
    total = 0
    with psycopg.connect(runtime.database.url, autocommit=True, row_factory=dict_row) as lock_conn:
        while not shutdown.stop_requested():
            total += work_once(runtime, lock_conn, on_report)
            if once or shutdown.wait_for_stop(poll_s):
                break
    return total
