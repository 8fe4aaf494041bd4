"""A dashboard pipeline run on two `igny8 serve` processes sharing one database: started through the first
process's web session, followed to "finished" by polling the second (the live progress is kept with the run in
PostgreSQL), and a second start on the second process is refused (409) while the first runs it. Then a run on
the first process is cut off by SIGKILL: the second shows it stopped at once, and resumes it when started."""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path

import httpx

from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.llm.embedder import FakeEmbedder
from igny8.llm.gateway import ModelGateway
from igny8.memory.api_keys import issue_key
from igny8.memory.database import Database
from igny8.services import Services
from tests.dental_site import new_dental_site
from tests.service.conftest import ServeProcess


def _sign_in(client: httpx.Client, server: str, key: str) -> dict[str, str]:
    page = client.get(f"{server}/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    assert client.post(f"{server}/sign-in", data={"csrf_token": token, "account_key": key}).status_code == 303
    app = client.get(f"{server}/app")
    return {"X-CSRF-Token": re.search(r'name="csrf-token" content="([^"]+)"', app.text).group(1)}  # type: ignore[union-attr]


def test_a_run_started_on_one_process_is_followed_and_guarded_on_the_other(database: Database, serve_dir: Path) -> None:
    settings = Settings(data_dir=serve_dir, embedder="fake", default_model="igny8-fake/lorem", environment="test")
    runtime = Services(settings, database, ModelGateway(settings, database), FakeEmbedder(), load_catalog())
    account, site = new_dental_site(runtime, name="Replicated run dental")
    with database.connection() as conn:
        key = issue_key(conn, account_id=account, site_id=None)
    slow = {"fake_model_latency_s": "0.1", "pipeline_heartbeat_s": "0.5"}  # long enough to be seen running
    with (
        ServeProcess(database, serve_dir, **slow) as first,
        ServeProcess(database, serve_dir, **slow) as second,
        httpx.Client(timeout=30, follow_redirects=False) as on_first,
        httpx.Client(timeout=30, follow_redirects=False) as on_second,
    ):
        first_csrf = _sign_in(on_first, first.url, key)
        second_csrf = _sign_in(on_second, second.url, key)
        pipeline = f"/app/data/sites/{site}/pipeline"
        started = on_first.post(f"{first.url}{pipeline}", json={"limit": 3}, headers=first_csrf)
        assert started.status_code == 202, started.text

        seen_running: list[dict] = []
        deadline = time.monotonic() + 300
        while (live := on_second.get(f"{second.url}{pipeline}").json()["live"])["state"] == "running":
            if not seen_running:  # while it runs on the first process, the second refuses another start
                refused = on_second.post(f"{second.url}{pipeline}", json={"limit": 3}, headers=second_csrf)
                assert refused.status_code == 409 and "already running" in refused.text, refused.text
            seen_running.append(live)
            assert time.monotonic() < deadline, live
            time.sleep(0.2)
        assert seen_running, "the second process never saw the run going"
        assert {entry["stage"] for entry in seen_running} - {"starting"}, "no stage progress reached the poller"
        assert live["state"] == "finished" and live["counts"]["pages_written"] == 3, live
        runs = on_second.get(f"{second.url}{pipeline}").json()["runs"]
        assert runs[0]["status"] == "finished" and len(runs) == 1

        # A second run (more pages: a new run) on the first process, which is killed (SIGKILL) mid-run: the
        # second process shows it stopped, and a start there resumes the same run to its end.
        killed = on_first.post(f"{first.url}{pipeline}", json={"limit": 6}, headers=first_csrf)
        assert killed.status_code == 202, killed.text
        deadline = time.monotonic() + 120
        while on_second.get(f"{second.url}{pipeline}").json()["live"]["stage"] not in {"content", "links"}:
            assert time.monotonic() < deadline, "the second run never reached the content stage"
            time.sleep(0.1)
        assert first.process is not None
        first.process.send_signal(signal.SIGKILL)
        first.process.wait()
        deadline = time.monotonic() + 10
        while (live := on_second.get(f"{second.url}{pipeline}").json()["live"])["state"] != "stopped":
            assert live["state"] == "running" and time.monotonic() < deadline, live
            time.sleep(0.2)
        assert "resume" in live["message"]
        resumed = on_second.post(f"{second.url}{pipeline}", json={"limit": 6}, headers=second_csrf)
        assert resumed.status_code == 202, resumed.text
        killed_run = on_second.get(f"{second.url}{pipeline}").json()["runs"][0]["id"]
        assert resumed.json()["message"] == f"run {killed_run} resumed"
        deadline = time.monotonic() + 300
        while (live := on_second.get(f"{second.url}{pipeline}").json()["live"])["state"] == "running":
            assert time.monotonic() < deadline, live
            time.sleep(0.2)
        assert live["state"] == "finished", live
        runs = on_second.get(f"{second.url}{pipeline}").json()["runs"]
        assert [(r["id"], r["status"]) for r in runs][:1] == [(killed_run, "finished")] and len(runs) == 2
