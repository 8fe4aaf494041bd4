"""Two `igny8 serve` processes on one database behave as one service: a key rotated on one is refused by the
other at once (the revocation notice clears every process's key cache, however long it would keep them), a
chat session started on one is followed and answered on the other, and after the first stops (SIGTERM,
exit 0) the session goes on to its end from the second. The blueprint it made, once active, reaches the
plugin's health on the replica left, although it held "no blueprint" for 300 s."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from igny8.memory.blueprints import activate_blueprint
from igny8.memory.database import Database
from tests.api.conftest import read_events
from tests.service.conftest import ServeProcess, tenant_keys


def test_two_replicas_on_one_database(database: Database, serve_dir: Path) -> None:
    long_cache = {"api_key_cache_s": "300", "api_read_cache_s": "300", "api_rate_limit_per_s": "100000"}
    with (
        ServeProcess(database, serve_dir, **long_cache) as first,
        ServeProcess(database, serve_dir, **long_cache) as second,
    ):
        keys = tenant_keys(database, first.url, "replicated")
        old_site_key = {"X-IGNY8-API-KEY": str(keys["site_key"])}
        account = {"X-IGNY8-API-KEY": str(keys["account_key"])}
        for replica in (first, second):  # both processes now hold the site key in their cache
            assert httpx.get(f"{replica.url}/api/v1/plugin/health", headers=old_site_key).status_code == 200

        rotated = httpx.post(f"{first.url}/api/v1/sites/{keys['site']}/keys", headers=account)
        assert rotated.status_code == 201
        deadline = time.monotonic() + 5
        while httpx.get(f"{second.url}/api/v1/plugin/health", headers=old_site_key).status_code != 401:
            assert time.monotonic() < deadline, "the other replica still took the revoked key after 5 s"
            time.sleep(0.05)
        new_site_key = {"X-IGNY8-API-KEY": rotated.json()["data"]["api_key"]}
        for replica in (first, second):  # both now hold "no active blueprint" for this site
            health = httpx.get(f"{replica.url}/api/v1/plugin/health", headers=new_site_key).json()["data"]
            assert health["active_blueprint_version"] is None

        started = httpx.post(
            f"{first.url}/api/v1/chat/sessions",
            headers=account,
            json={
                "industry": "healthcare-medical",
                "sectors": ["dental-clinics"],
                "site_type": "local_service",
                "site_id": keys["site"],
            },
        )
        assert started.status_code == 202, started.text
        session = started.json()["data"]["id"]
        events = read_events(second.url, str(keys["account_key"]), session, 0)
        assert [kind for _, kind, _ in events][-2:] == ["review", "end"]
        assert events[-2][2]["stage"] == "attributes"

        assert first.stop() == 0  # SIGTERM: requests in flight finish, the process exits cleanly
        answered = httpx.post(
            f"{second.url}/api/v1/chat/sessions/{session}/messages", headers=account, json={"text": "approve"}
        )
        assert answered.status_code == 202, answered.text
        last = max(i for i, _, _ in events if i)
        events = read_events(second.url, str(keys["account_key"]), session, last)
        review = [payload for _, kind, payload in events if kind == "review"]
        assert review and review[-1]["stage"] == "clusters"
        done = httpx.post(
            f"{second.url}/api/v1/chat/sessions/{session}/review", headers=account, json={"approve": True}
        )
        assert done.status_code == 202
        events = read_events(second.url, str(keys["account_key"]), session, max(i for i, _, _ in events if i))
        finished = [payload for _, kind, payload in events if kind == "done"]
        assert finished and finished[0]["site_id"] == keys["site"]
        state = httpx.get(f"{second.url}/api/v1/chat/sessions/{session}", headers=account).json()["data"]
        assert state["status"] == "completed"

        with database.connection() as conn:
            activate_blueprint(conn, account_id=int(keys["account"]), site_id=int(keys["site"]), version=1)
        deadline = time.monotonic() + 5  # the change notice reaches the replica that is left
        while (
            httpx.get(f"{second.url}/api/v1/plugin/health", headers=new_site_key).json()["data"][
                "active_blueprint_version"
            ]
            != 1
        ):
            assert time.monotonic() < deadline, "the replica still answered its held health after 5 s"
            time.sleep(0.05)
