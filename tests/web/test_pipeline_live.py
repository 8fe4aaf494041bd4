"""A dashboard run's live progress is kept with the run in PostgreSQL: read back while another holder runs it,
refused to a second start, shown as stopped (and resumed by the next start) once its process is gone, whether
its lock went with its connection (a killed process) or only its heartbeat stopped (a connection that lingers)."""

import re
import time

import psycopg
import pytest
from fastapi.testclient import TestClient

from igny8.memory.database import Database
from igny8.services import Services
from igny8.web.pipeline_jobs import WEB_STAGES
from igny8.workflows.pipeline_lease import claim_site
from igny8.workflows.pipeline_run import claim_run
from tests.dental_site import new_dental_site
from tests.web.conftest import new_account


def _signed_in_to(web: TestClient, runtime: Services, account: int) -> dict[str, str]:
    from igny8.memory.api_keys import issue_key

    with runtime.database.connection() as conn:
        key = issue_key(conn, account_id=account, site_id=None)
    web.cookies.clear()
    token = re.search(r'name="csrf_token" value="([^"]+)"', web.get("/sign-in").text).group(1)  # type: ignore[union-attr]
    assert web.post("/sign-in", data={"csrf_token": token, "account_key": key}).status_code == 303
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', web.get("/app").text).group(1)  # type: ignore[union-attr]
    return {"X-CSRF-Token": csrf}


def _live(web: TestClient, site: int) -> dict:
    answer = web.get(f"/app/data/sites/{site}/pipeline")
    assert answer.status_code == 200, answer.text
    return answer.json()["live"]


def _followed_to_the_end(web: TestClient, site: int) -> dict:
    deadline = time.monotonic() + 240
    while (live := _live(web, site))["state"] == "running":
        assert time.monotonic() < deadline, live
        time.sleep(0.3)
    return live


def test_a_run_whose_process_died_shows_stopped_and_the_next_start_resumes_it(
    web_runtime: Services, web: TestClient
) -> None:
    account, site = new_dental_site(web_runtime, name="Killed run dental")
    headers = _signed_in_to(web, web_runtime, account)
    assert _live(web, site) is None  # no run yet

    # Another holder (as another server process would) claims the site's run and reports progress.
    lease = claim_run(web_runtime, account_id=account, site_id=site, limit=2, stages=WEB_STAGES)
    lease.report("ideas", 1, 4)
    live = _live(web, site)
    assert (live["state"], live["stage"], live["done"], live["total"]) == ("running", "ideas", 1, 4)
    refused = web.post(f"/app/data/sites/{site}/pipeline", json={"limit": 2}, headers=headers)
    assert refused.status_code == 409 and "already running" in refused.text

    lease.release()  # its connection closes without finishing, as a killed process's does
    live = _live(web, site)
    assert live["state"] == "stopped" and "resume" in live["message"], live
    assert web.get(f"/app/data/sites/{site}/pipeline").json()["runs"][0]["status"] == "stopped"

    started = web.post(f"/app/data/sites/{site}/pipeline", json={"limit": 2}, headers=headers)
    assert started.status_code == 202, started.text
    assert started.json()["message"] == f"run {lease.run_id} resumed"
    live = _followed_to_the_end(web, site)
    assert live["state"] == "finished" and live["counts"], live
    runs = web.get(f"/app/data/sites/{site}/pipeline").json()["runs"]
    assert [(r["id"], r["status"]) for r in runs] == [(lease.run_id, "finished")]


def test_a_stale_heartbeat_shows_stopped_and_the_lingering_holder_is_ended(
    web_runtime: Services, web: TestClient, database: Database
) -> None:
    account, site = new_dental_site(web_runtime, name="Frozen run dental")
    headers = _signed_in_to(web, web_runtime, account)
    with database.connection() as conn:
        blueprint = conn.execute("SELECT id FROM blueprints WHERE site_id = %s", (site,)).fetchone()["id"]
    frozen = claim_site(  # holds the lock, but its heartbeat thread will not write for an hour
        database.url,
        site_id=site,
        blueprint_id=blueprint,
        options={"limit": 2, "stages": WEB_STAGES},
        heartbeat_s=3600,
        stale_after_s=5,
    )
    assert frozen is not None
    try:
        assert _live(web, site)["state"] == "running"
        assert web.post(f"/app/data/sites/{site}/pipeline", json={"limit": 2}, headers=headers).status_code == 409
        with database.connection() as conn:  # its heartbeat is now older than IGNY8_PIPELINE_STALE_AFTER_S
            conn.execute("UPDATE pipeline_runs SET heartbeat_at = now() - interval '1 minute' WHERE id = %s",
                         (frozen.run_id,))  # fmt: skip
        live = _live(web, site)
        assert live["state"] == "stopped" and "resume" in live["message"], live

        started = web.post(f"/app/data/sites/{site}/pipeline", json={"limit": 2}, headers=headers)
        assert started.status_code == 202, started.text
        assert started.json()["message"] == f"run {frozen.run_id} resumed"
        with pytest.raises(psycopg.OperationalError):  # the lingering session was ended, its lock with it
            frozen.conn.execute("SELECT 1")
        live = _followed_to_the_end(web, site)
        assert live["state"] == "finished", live
    finally:
        frozen.release()


def test_the_live_view_is_scoped_to_the_account(web_runtime: Services, web: TestClient) -> None:
    account, site = new_dental_site(web_runtime, name="Private run dental")
    lease = claim_run(web_runtime, account_id=account, site_id=site, limit=1, stages=["ideas"])
    try:
        stranger = new_account(web_runtime, "run stranger")
        _signed_in_to(web, web_runtime, stranger["account"])
        assert web.get(f"/app/data/sites/{site}/pipeline").status_code == 404
    finally:
        lease.release()


def test_a_failed_run_shows_what_to_fix_from_the_record(web_runtime: Services, web: TestClient) -> None:
    from igny8.llm.credits import reservation_for
    from tests.business.test_run_out_of_credits import spent_allowance

    account, site = new_dental_site(web_runtime, name="Broke run dental")
    spent_allowance(web_runtime, account, reservation_for("content_generation") + 40)
    headers = _signed_in_to(web, web_runtime, account)
    assert web.post(f"/app/data/sites/{site}/pipeline", json={"limit": 6}, headers=headers).status_code == 202
    live = _followed_to_the_end(web, site)
    assert live["state"] == "failed" and "out of credits" in live["message"], live
    assert live["stage"] == "content"  # where it stopped, as its process last recorded it
    assert web.get(f"/app/data/sites/{site}/pipeline").json()["runs"][0]["status"] == "interrupted"
