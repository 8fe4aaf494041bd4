"""Pipeline runs started from the dashboard, and their live progress for the page to poll. The run is the
CLI's resumable run (a row in pipeline_runs and a checkpointed graph), claimed in the request (one run per site
across every server process: a second start anywhere is refused) and run on a background thread, which writes
its progress to the run's row; any process reads it back, so the poll may land on another server process. A run
whose process died (its lock gone, or no heartbeat for IGNY8_PIPELINE_STALE_AFTER_S) shows as stopped, and
starting again resumes it."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from igny8.memory import pipeline_runs
from igny8.services import Services
from igny8.workflows.pipeline_run import RunAlreadyGoing, claim_run, run_claimed

__all__ = ["WEB_STAGES", "LiveRun", "RunAlreadyGoing", "live_run", "start_run"]

log = logging.getLogger(__name__)
# Publishing needs a WordPress connection: the dashboard runs the stages up to review unless asked.
WEB_STAGES = ["ideas", "tasks", "content", "links", "schema", "images", "review"]
STOPPED = "the run stopped when its server process went away: start it again to resume"


@dataclass
class LiveRun:
    site_id: int
    stage: str = "starting"
    done: int = 0
    total: int = 0
    state: str = "running"  # running, finished, failed, stopped
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


def _state(row: dict[str, Any]) -> tuple[str, str]:
    live = row["live"]
    if row["status"] == "finished":
        return "finished", live.get("message") or f"run {row['id']} finished"
    if row["status"] == "running":
        return ("running", "") if row["going"] else ("stopped", STOPPED)
    if live.get("state") == "failed":
        return "failed", live.get("message") or "the run failed"
    return "stopped", live.get("message") or STOPPED


def live_run(runtime: Services, *, site_id: int) -> LiveRun | None:
    """The site's latest run as its process last recorded it, from whichever process runs it."""
    with runtime.database.connection() as conn:
        rows = pipeline_runs.recent_runs(
            conn, site_id=site_id, stale_after_s=runtime.settings.pipeline_stale_after_s, limit=1
        )
    if not rows:
        return None
    row = rows[0]
    state, message = _state(row)
    live = row["live"]
    return LiveRun(
        site_id,
        stage=str(live.get("stage", "starting")),
        done=int(live.get("done", 0)),
        total=int(live.get("total", 0)),
        state=state,
        message=message,
        counts=row["stages"].get("counts", {}) if state == "finished" else {},
    )


def start_run(runtime: Services, *, account_id: int, site_id: int, limit: int, stages: list[str]) -> LiveRun:
    """Claim the site's run now (RunAlreadyGoing when any process runs it) and run it on a background thread."""
    lease = claim_run(runtime, account_id=account_id, site_id=site_id, limit=limit, stages=stages)

    def work() -> None:
        try:
            run_claimed(runtime, lease, account_id=account_id, site_id=site_id)
        except Exception:  # recorded with the run for the page (what to fix); the log keeps the detail
            log.exception("pipeline run %s for site %s failed", lease.run_id, site_id)

    threading.Thread(target=work, name=f"web-pipeline-{site_id}", daemon=True).start()
    return LiveRun(site_id, message=f"run {lease.run_id}{' resumed' if lease.resumed else ' started'}")
