"""Start or resume a pipeline run for a site: one row in pipeline_runs, one checkpointed graph thread.

A run that was killed is still 'running' in the table; the next start for the same site, blueprint and
options picks up its thread, and the graph continues from its last finished stage.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from igny8.graphs.pipeline import STAGES, PipelineContext, build_graph
from igny8.memory import pipeline_runs
from igny8.memory.blueprints import get_blueprint
from igny8.memory.checkpoints import open_checkpointer
from igny8.memory.tenancy import get_site
from igny8.ray_cluster.executor import executor_for, provider_limit
from igny8.services import Services
from igny8.stages.outages import alerts
from igny8.stages.work import WorkerSpec
from igny8.workflows.pipeline_lease import RunLease, claim_site
from igny8.workflows.public_errors import public_error


class PipelineOptionError(ValueError):
    pass


class RunAlreadyGoing(PipelineOptionError):
    """Another process (a server, the CLI, the maintenance worker) is running this site's pipeline now."""


@dataclass
class PipelineResult:
    run_id: int
    resumed: bool
    counts: dict[str, Any]
    log: list[str]
    seconds: float


def check_stages(stages: list[str] | None) -> list[str]:
    chosen = stages or list(STAGES)
    unknown = [s for s in chosen if s not in STAGES]
    if unknown:
        raise PipelineOptionError(f"unknown stage {', '.join(unknown)}; stages are {', '.join(STAGES)}")
    return [s for s in STAGES if s in chosen]


def export_dir_for(runtime: Services, site_id: int) -> str:
    return str(runtime.settings.data_dir / "exports" / f"site-{site_id}")


def run_pipeline(
    runtime: Services,
    *,
    account_id: int,
    site_id: int,
    limit: int | None = None,
    stages: list[str] | None = None,
    progress: Callable[[str, int, int], None] = lambda stage, done, total: None,
) -> PipelineResult:
    lease = claim_run(runtime, account_id=account_id, site_id=site_id, limit=limit, stages=stages)
    return run_claimed(runtime, lease, account_id=account_id, site_id=site_id, progress=progress)


def claim_run(
    runtime: Services, *, account_id: int, site_id: int, limit: int | None, stages: list[str] | None
) -> RunLease:
    """The site's run claimed by this process (resumed when one with these options did not finish); refused
    with RunAlreadyGoing while another process runs the site's pipeline."""
    chosen = check_stages(stages)
    if limit is not None and limit < 1:
        raise PipelineOptionError("--limit must be at least 1")
    with runtime.database.connection() as conn:
        get_site(conn, account_id=account_id, site_id=site_id)
        blueprint = get_blueprint(conn, account_id=account_id, site_id=site_id)
    lease = claim_site(
        runtime.database.url,
        site_id=site_id,
        blueprint_id=blueprint.id,
        options={"limit": limit, "stages": chosen},
        heartbeat_s=runtime.settings.pipeline_heartbeat_s,
        stale_after_s=runtime.settings.pipeline_stale_after_s,
    )
    if lease is None:
        raise RunAlreadyGoing(
            "the pipeline is already running for this site: follow its progress (the dashboard, or"
            " `igny8 pipeline status`) and start again once it ends"
        )
    return lease


def run_claimed(
    runtime: Services,
    lease: RunLease,
    *,
    account_id: int,
    site_id: int,
    progress: Callable[[str, int, int], None] = lambda stage, done, total: None,
) -> PipelineResult:
    """Run (or resume) the claimed run to its end, its progress recorded with the run; the lease is released."""
    try:
        return _run_graph(runtime, lease, account_id=account_id, site_id=site_id, progress=progress)
    finally:
        lease.release()


def _run_graph(
    runtime: Services,
    lease: RunLease,
    *,
    account_id: int,
    site_id: int,
    progress: Callable[[str, int, int], None],
) -> PipelineResult:
    run_id, resumed = lease.run_id, lease.resumed
    limit, chosen = lease.options["limit"], lease.options["stages"]

    def report(stage: str, done: int, total: int) -> None:
        lease.report(stage, done, total)
        progress(stage, done, total)

    settings = runtime.settings
    spec = WorkerSpec(
        settings=settings,
        database_url=runtime.database.url,
        export_dir=export_dir_for(runtime, site_id),
        account_id=account_id,
        site_id=site_id,
    )
    executor = executor_for(settings)
    context = PipelineContext(
        database=runtime.database,
        executor=executor,
        spec=spec,
        batch_sizes=settings.batch_sizes,
        max_in_flight=provider_limit(settings, settings.model_for("writer")),
        progress=report,
        gateway=runtime.gateway,
    )
    config = {"configurable": {"thread_id": f"pipeline-run-{run_id}"}}
    started = time.perf_counter()
    try:
        with open_checkpointer(runtime.database) as saver:
            graph = build_graph(saver)
            snapshot = graph.get_state(config)
            start: Any = (
                None
                if (resumed and snapshot.next)
                else {
                    "site_id": site_id,
                    "account_id": account_id,
                    "limit": limit,
                    "stages": chosen,
                }
            )
            values = graph.invoke(start, config, context=context)
    except Exception as exc:
        known = public_error(exc)
        lease.interrupt(
            state="failed",
            message=known.message if known else "the run stopped on an internal error (see the server log)",
        )
        raise
    except BaseException:  # Ctrl-C, or the server shutting down
        lease.interrupt(state="stopped", message="the run was stopped: start it again to resume")
        raise
    finally:
        executor.close()
    seconds = time.perf_counter() - started
    lease.finish(counts=values["counts"], seconds=round(seconds, 2))
    return PipelineResult(run_id, resumed, values["counts"], values["log"], seconds)


def pipeline_status(runtime: Services, *, account_id: int, site_id: int) -> dict[str, Any]:
    with runtime.database.connection() as conn:
        get_site(conn, account_id=account_id, site_id=site_id)
        counts = pipeline_runs.pipeline_counts(conn, site_id=site_id)
        runs = pipeline_runs.recent_runs(conn, site_id=site_id, stale_after_s=runtime.settings.pipeline_stale_after_s)
        waiting_on = alerts(conn, site_id=site_id)
    return {
        "counts": counts,
        "alerts": waiting_on,
        "runs": [
            {
                "id": r["id"],
                "status": "stopped" if r["status"] == "running" and not r["going"] else r["status"],
                "stages": r["stages"],
                "started_at": r["started_at"].isoformat(),
                "finished_at": r["finished_at"].isoformat() if r["finished_at"] else None,
            }
            for r in runs
        ],
    }
