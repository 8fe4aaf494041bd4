"""`igny8 worker` stopped in the middle of a maintenance run: SIGTERM lets the run finish and exits 0;
SIGKILL leaves the run to the next worker, which resumes it from its checkpoint. Nothing is left running."""

from __future__ import annotations

import signal
import subprocess
import time
from typing import Any

import pytest

from igny8.memory import maintenance_repo
from igny8.services import Services
from igny8.workflows.pipeline_run import run_pipeline
from tests.dental_site import new_dental_site
from tests.lifecycle.conftest import igny8_process

pytestmark = pytest.mark.slow

TASKS = ["links", "gaps", "health"]


@pytest.fixture(scope="module")
def site(cli_services: Services) -> tuple[Services, int]:
    account, site_id = new_dental_site(cli_services)
    run_pipeline(cli_services, account_id=account, site_id=site_id, limit=3)
    return cli_services, site_id


def _due(services: Services, site_id: int) -> None:
    with services.database.connection() as conn:
        maintenance_repo.set_schedule(conn, site_id=site_id, every_hours=168, tasks=TASKS, run_now=True)


def _runs(services: Services, site_id: int) -> list[dict]:
    with services.database.connection() as conn:
        return conn.execute(
            "SELECT id, status, report FROM maintenance_runs WHERE site_id = %s ORDER BY id", (site_id,)
        ).fetchall()


def _worker(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return igny8_process(env, "worker", *args)


def _wait_for_running_run(services: Services, site_id: int, worker: subprocess.Popen[str]) -> int:
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        running = [r for r in _runs(services, site_id) if r["status"] == "running"]
        if running:
            return int(running[0]["id"])
        assert worker.poll() is None, worker.stdout.read() if worker.stdout else ""
        time.sleep(0.2)
    raise AssertionError("the worker never started the due maintenance run")


def _worker_in_the_middle_of_a_run(env: dict[str, str], services: Services, site_id: int) -> tuple[Any, int]:
    """A worker started on a due schedule, a second into its maintenance run; the run's id."""
    _due(services, site_id)
    worker = _worker(env)
    run_id = _wait_for_running_run(services, site_id, worker)
    time.sleep(1.0)
    return worker, run_id


def _run(services: Services, site_id: int, run_id: int) -> dict:
    return next(r for r in _runs(services, site_id) if r["id"] == run_id)


def test_sigterm_finishes_the_run_in_flight_and_exits_0(cli_env: dict[str, str], site: tuple[Services, int]) -> None:
    services, site_id = site
    worker, run_id = _worker_in_the_middle_of_a_run(cli_env, services, site_id)
    worker.send_signal(signal.SIGTERM)
    output, _ = worker.communicate(timeout=300)
    assert worker.returncode == 0, output
    assert "stopped on request" in output
    assert "Traceback" not in output
    run = _run(services, site_id, run_id)
    assert run["status"] == "finished", run
    assert run["report"]["gaps"]["written"] >= 1 and "health" in run["report"]


def test_sigkill_leaves_the_run_to_the_next_worker_which_resumes_it(
    cli_env: dict[str, str], site: tuple[Services, int]
) -> None:
    services, site_id = site
    worker, run_id = _worker_in_the_middle_of_a_run(cli_env, services, site_id)
    worker.kill()
    worker.wait(30)
    assert _run(services, site_id, run_id)["status"] == "running"
    again = _worker(cli_env, "--once")
    output, _ = again.communicate(timeout=300)
    assert again.returncode == 0, output
    run = _run(services, site_id, run_id)
    assert run["status"] == "finished" and run["report"]["resumed"] is True, run
    assert "health" in run["report"]
    assert not [r for r in _runs(services, site_id) if r["status"] == "running"], "no second run was started"
