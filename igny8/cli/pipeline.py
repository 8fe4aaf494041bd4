"""`igny8 pipeline run|status`."""

from __future__ import annotations

import json

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from igny8.cli.app import app, console, err_console, fail
from igny8.config import get_settings
from igny8.graphs.pipeline import STAGES, NoActiveBlueprint
from igny8.memory.tenancy import NotFound, local_account
from igny8.services import open_services
from igny8.workflows.pipeline_run import PipelineOptionError, PipelineResult, pipeline_status, run_pipeline

pipeline_app = typer.Typer(help="Run the content pipeline from the active blueprint.", no_args_is_help=True)
app.add_typer(pipeline_app, name="pipeline")


def run_with_progress(runtime, account: int, site: int, limit: int | None, stages: list[str] | None) -> PipelineResult:  # type: ignore[no-untyped-def]
    with Progress(
        TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err_console
    ) as bars:
        tasks: dict[str, int] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bars.add_task(stage, total=max(total, 1))
            bars.update(tasks[stage], completed=done if total else 1, total=max(total, 1))

        return run_pipeline(runtime, account_id=account, site_id=site, limit=limit, stages=stages, progress=progress)


@pipeline_app.command("run")
def pipeline_run(
    site: int = typer.Option(..., help="Site id (see `igny8 blueprint list`)."),
    limit: int | None = typer.Option(None, help="Only the first N pages in priority order."),
    stages: str | None = typer.Option(None, help="Comma-separated, any of: " + ",".join(STAGES) + "."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Ideas → tasks → content → images → review and export; resumes a run that was stopped."""
    chosen = [s.strip() for s in stages.split(",") if s.strip()] if stages else None
    settings = get_settings()
    try:
        with open_services(settings) as runtime:
            with runtime.database.connection() as conn:
                account = local_account(conn)
            result = run_with_progress(runtime, account, site, limit, chosen)
    except (NotFound, NoActiveBlueprint, PipelineOptionError) as exc:
        raise fail(str(exc)) from exc
    if as_json:
        print(
            json.dumps(
                {
                    "run_id": result.run_id,
                    "resumed": result.resumed,
                    "counts": result.counts,
                    "seconds": round(result.seconds, 2),
                },
                indent=2,
            )
        )
        return
    for line in result.log:
        console.print(f"[green]✓[/] {line}")
    console.print(f"run {result.run_id}{' (resumed)' if result.resumed else ''}: {result.seconds:.1f} s")


@pipeline_app.command("status")
def pipeline_status_command(site: int = typer.Option(...), as_json: bool = typer.Option(False, "--json")) -> None:
    """What the pipeline has produced for a site, and its recent runs."""
    settings = get_settings()
    try:
        with open_services(settings) as runtime:
            with runtime.database.connection() as conn:
                account = local_account(conn)
            status = pipeline_status(runtime, account_id=account, site_id=site)
    except NotFound as exc:
        raise fail(str(exc)) from exc
    if as_json:
        print(json.dumps(status, indent=2, default=str))
        return
    for alert in status["alerts"]:
        console.print(f"[bold yellow]{alert}[/]")
    counts = status["counts"]
    console.print(" · ".join(f"{k} {v}" for k, v in counts.items()))
    for run in status["runs"]:
        console.print(f"run {run['id']}: {run['status']} (started {run['started_at']})")
