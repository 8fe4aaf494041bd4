"""The claim one process holds on a site's pipeline while it runs it: the site's advisory lock on a connection
of its own (one run per site across every process; a killed process's lock goes with its connection), the
run's row made or reopened under it, and the live progress written to that row, throttled (at most a few
writes a second, always on a stage change) and refreshed by a heartbeat thread while a stage is quiet."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import psycopg

from igny8.memory import pipeline_runs

log = logging.getLogger(__name__)
MIN_WRITE_INTERVAL_S = 0.25  # at most four progress writes a second


class RunLease:
    def __init__(
        self, conn: psycopg.Connection, *, run_id: int, resumed: bool, options: dict[str, Any], heartbeat_s: float
    ) -> None:
        self.conn, self.run_id, self.resumed, self.options = conn, run_id, resumed, options
        self._heartbeat_s = heartbeat_s
        self._lock = threading.Lock()
        self._live: dict[str, Any] = {"stage": "starting", "done": 0, "total": 0, "message": ""}
        self._written_at = 0.0
        self._stopping = threading.Event()
        self._beating = threading.Thread(target=self._beat, name=f"pipeline-heartbeat-{run_id}", daemon=True)

    def start_heartbeat(self) -> None:
        self._beating.start()

    def report(self, stage: str, done: int, total: int) -> None:
        """The pipeline's progress callback: written now on a new stage, else at most every 0.25 s."""
        with self._lock:
            new_stage = stage != self._live["stage"]
            self._live.update(stage=stage, done=done, total=total)
            if new_stage or time.monotonic() - self._written_at >= MIN_WRITE_INTERVAL_S:
                self._write()

    def _write(self) -> None:  # the caller holds self._lock
        try:
            pipeline_runs.record_live(self.conn, run_id=self.run_id, live=self._live)
            self._written_at = time.monotonic()
        except psycopg.Error:  # the run goes on; the page shows it stopped once the heartbeat is stale
            log.warning("could not record the progress of pipeline run %s", self.run_id, exc_info=True)

    def _beat(self) -> None:
        while not self._stopping.wait(self._heartbeat_s):
            with self._lock:
                self._write()

    def finish(self, *, counts: dict[str, Any], seconds: float) -> None:
        message = f"run {self.run_id} finished in {seconds:.1f} s"
        with self._lock:
            self._stopping.set()
            live = {**self._live, "message": message}
            pipeline_runs.finish_run(self.conn, run_id=self.run_id, counts=counts, seconds=seconds, live=live)

    def interrupt(self, *, state: str, message: str) -> None:
        """The run stopped (``state`` failed or stopped): resumable by the next start with the same options."""
        with self._lock:
            self._stopping.set()
            live = {**self._live, "state": state, "message": message}
            pipeline_runs.mark_run_interrupted(self.conn, run_id=self.run_id, live=live)

    def release(self) -> None:
        """Close the lease's connection, which releases the site's lock."""
        self._stopping.set()
        if self._beating.is_alive() and self._beating is not threading.current_thread():
            self._beating.join(timeout=5)
        self.conn.close()


def claim_site(
    url: str, *, site_id: int, blueprint_id: int, options: dict[str, Any], heartbeat_s: float, stale_after_s: float
) -> RunLease | None:
    """The site's run (the resumable one with these options, or a new one) claimed by this process, or None when
    another process holds the site's pipeline (and has written a heartbeat within stale_after_s)."""
    conn = pipeline_runs.lease_connection(url)
    try:
        if not pipeline_runs.try_lock_site(conn, site_id=site_id) and not (
            pipeline_runs.end_stale_holder(conn, site_id=site_id, stale_after_s=stale_after_s)
            and pipeline_runs.try_lock_site(conn, site_id=site_id)
        ):
            conn.close()
            return None
        previous = pipeline_runs.resumable_run(conn, site_id=site_id, blueprint_id=blueprint_id, options=options)
        pipeline_runs.interrupt_other_runs(conn, site_id=site_id, keep=previous)
        if previous is not None:
            pipeline_runs.reopen_run(conn, run_id=previous, live={"stage": "starting", "done": 0, "total": 0})
            lease = RunLease(conn, run_id=previous, resumed=True, options=options, heartbeat_s=heartbeat_s)
        else:
            run_id = pipeline_runs.start_run(conn, site_id=site_id, blueprint_id=blueprint_id, options=options)
            lease = RunLease(conn, run_id=run_id, resumed=False, options=options, heartbeat_s=heartbeat_s)
    except BaseException:
        conn.close()
        raise
    lease.start_heartbeat()
    return lease
