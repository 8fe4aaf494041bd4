"""Pipeline runs started from the dashboard: one background run per site at a time, its live progress
(stage, done, total) kept in memory for the page to poll; the run itself is the CLI's resumable run
(a row in pipeline_runs and a checkpointed graph), so a run cut off by a restart continues next time."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from igny8.services import Services
from igny8.workflows.pipeline_run import check_stages, run_pipeline
from igny8.workflows.public_errors import public_error

log = logging.getLogger(__name__)
# Publishing needs a WordPress connection: the dashboard runs the stages up to review unless asked.
WEB_STAGES = ["ideas", "tasks", "content", "links", "schema", "images", "review"]


class RunAlreadyGoing(RuntimeError):
    """The site's pipeline is already running from this server."""


@dataclass
class LiveRun:
    site_id: int
    stage: str = "starting"
    done: int = 0
    total: int = 0
    state: str = "running"  # running, finished, failed
    message: str = ""
    counts: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "stage": self.stage,
            "done": self.done,
            "total": self.total,
            "state": self.state,
            "message": self.message,
            "counts": self.counts,
        }


class PipelineJobs:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs: dict[int, LiveRun] = {}

    def live(self, site_id: int) -> LiveRun | None:
        with self._lock:
            return self._runs.get(site_id)

    def start(self, runtime: Services, *, account_id: int, site_id: int, limit: int, stages: list[str]) -> LiveRun:
        chosen = check_stages(stages)
        with self._lock:
            going = self._runs.get(site_id)
            if going is not None and going.state == "running":
                raise RunAlreadyGoing("the pipeline is already running for this site: follow its progress")
            live = self._runs[site_id] = LiveRun(site_id)

        def progress(stage: str, done: int, total: int) -> None:
            live.stage, live.done, live.total = stage, done, total

        def work() -> None:
            try:
                result = run_pipeline(
                    runtime, account_id=account_id, site_id=site_id, limit=limit, stages=chosen, progress=progress
                )
                live.counts, live.state = result.counts, "finished"
                live.message = f"run {result.run_id} finished in {result.seconds:.1f} s"
            except Exception as exc:  # the page shows what to fix; the log keeps the detail
                log.exception("pipeline run for site %s failed", site_id)
                known = public_error(exc)
                live.state = "failed"
                live.message = known.message if known else "the run stopped on an internal error (see the server log)"

        threading.Thread(target=work, name=f"web-pipeline-{site_id}", daemon=True).start()
        return live


JOBS = PipelineJobs()
