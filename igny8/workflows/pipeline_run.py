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


class PipelineOptionError(ValueError):
    pass


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
    chosen = check_stages(stages)
    if limit is not None and limit < 1:
        raise PipelineOptionError("--limit must be at least 1")
    with runtime.database.connection() as conn:
        get_site(conn, account_id=account_id, site_id=site_id)
        blueprint = get_blueprint(conn, account_id=account_id, site_id=site_id)
        options = {"limit": limit, "stages": chosen}
        previous = pipeline_runs.resumable_run(conn, site_id=site_id, blueprint_id=blueprint.id, options=options)
        if previous is not None:
            run_id, resumed = previous, True
        else:
            run_id = pipeline_runs.start_run(conn, site_id=site_id, blueprint_id=blueprint.id, options=options)
            resumed = False
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
        progress=progress,
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
    except BaseException:
        with runtime.database.connection() as conn:
            pipeline_runs.mark_run_interrupted(conn, run_id=run_id)
        raise
    finally:
        executor.close()
    seconds = time.perf_counter() - started
    with runtime.database.connection() as conn:
        pipeline_runs.finish_run(conn, run_id=run_id, counts=values["counts"], seconds=round(seconds, 2))
    return PipelineResult(run_id, resumed, values["counts"], values["log"], seconds)


def pipeline_status(runtime: Services, *, account_id: int, site_id: int) -> dict[str, Any]:
    with runtime.database.connection() as conn:
        get_site(conn, account_id=account_id, site_id=site_id)
        counts = pipeline_runs.pipeline_counts(conn, site_id=site_id)
        runs = pipeline_runs.recent_runs(conn, site_id=site_id)
        waiting_on = alerts(conn, site_id=site_id)
    return {
        "counts": counts,
        "alerts": waiting_on,
        "runs": [
            {
                **r,
                "started_at": r["started_at"].isoformat(),
                "finished_at": r["finished_at"].isoformat() if r["finished_at"] else None,
            }
            for r in runs
        ],
    }
