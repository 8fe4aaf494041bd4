"""`igny8 schedule set|show`, `igny8 maintenance run`, `igny8 worker`."""

from __future__ import annotations

import json

import psycopg
import typer
from psycopg.rows import dict_row

from igny8.cli.app import app, console, fail
from igny8.config import get_settings
from igny8.memory import maintenance_repo as repo
from igny8.memory.tenancy import NotFound, get_site, local_account
from igny8.services import open_services
from igny8.workflows import shutdown
from igny8.workflows.maintenance_worker import run_site_maintenance, run_worker

schedule_app = typer.Typer(help="When each site's maintenance runs.", no_args_is_help=True)
maintenance_app = typer.Typer(help="Site maintenance now.", no_args_is_help=True)
app.add_typer(schedule_app, name="schedule")
app.add_typer(maintenance_app, name="maintenance")


@schedule_app.command("set")
def schedule_set(
    site: int = typer.Option(...),
    every: int = typer.Option(168, help="Hours between runs."),
    tasks: str = typer.Option(",".join(repo.TASKS), help="health,links,optimize,gaps"),
    disable: bool = typer.Option(False),
    now: bool = typer.Option(False, help="Due at once."),
) -> None:
    """Set a site's maintenance schedule (it lives in PostgreSQL and survives restarts)."""
    try:
        with open_services(get_settings()) as runtime, runtime.database.connection() as conn:
            get_site(conn, account_id=local_account(conn), site_id=site)
            row = repo.set_schedule(
                conn,
                site_id=site,
                every_hours=every,
                enabled=not disable,
                run_now=now,
                tasks=[t.strip() for t in tasks.split(",") if t.strip()],
            )
    except (NotFound, ValueError) as exc:
        raise fail(str(exc)) from exc
    console.print(
        f"site {site}: every {row['every_hours']} h, tasks {', '.join(row['tasks'])}, "
        f"{'enabled' if row['enabled'] else 'disabled'}, next run {row['next_run_at']:%F %T %Z}"
    )


@schedule_app.command("show")
def schedule_show(site: int = typer.Option(...)) -> None:
    with open_services(get_settings()) as runtime, runtime.database.connection() as conn:
        row = repo.get_schedule(conn, site_id=site)
        runs = repo.recent_runs(conn, site_id=site)
    if row is None:
        raise fail(f"site {site} has no schedule; set one with `igny8 schedule set --site {site}`")
    console.print(f"every {row['every_hours']} h, tasks {row['tasks']}, next {row['next_run_at']:%F %T %Z}")
    for run in runs:
        console.print(f"run {run['id']}: {run['status']} {run['started_at']:%F %T} {json.dumps(run['report'])[:200]}")


@maintenance_app.command("run")
def maintenance_run(site: int = typer.Option(...), tasks: str = typer.Option(",".join(repo.TASKS))) -> None:
    """Run a site's maintenance now (refused while another run of that site is going)."""
    chosen = [t.strip() for t in tasks.split(",") if t.strip()]
    if any(t not in repo.TASKS for t in chosen):
        raise fail(f"tasks are {', '.join(repo.TASKS)}")
    with open_services(get_settings()) as runtime:
        with psycopg.connect(runtime.database.url, autocommit=True, row_factory=dict_row) as lock_conn:
            report = run_site_maintenance(runtime, lock_conn, site_id=site, tasks=chosen)
    if report is None:
        raise fail(f"site {site} is being maintained by another worker right now")
    console.print_json(json.dumps(report, default=str))


@app.command()
def worker(
    once: bool = typer.Option(False, help="Run what is due, then stop."),
    poll: float | None = typer.Option(None, help="Seconds between checks (IGNY8_WORKER_POLL_S)."),
) -> None:
    """Run scheduled maintenance for every site whose run is due, until stopped."""
    settings = get_settings()
    shutdown.install(cooperative=True, grace_s=settings.stop_grace_s)
    with open_services(settings) as runtime:
        console.print("worker started; Ctrl-C or SIGTERM stops it after the run in flight")
        total = run_worker(
            runtime,
            once=once,
            poll_s=poll or settings.worker_poll_s,
            on_report=lambda site, report: console.print(f"site {site}: {json.dumps(report, default=str)[:300]}"),
        )
    console.print(f"{total} maintenance runs{' (stopped on request)' if shutdown.stop_requested() else ''}")
