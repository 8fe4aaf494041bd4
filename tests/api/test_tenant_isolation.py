"""Site A's keys try every endpoint against site B's resources and get nothing."""

import json
import time

import pytest
from fastapi.testclient import TestClient

from igny8.memory.blueprints import activate_blueprint
from igny8.services import Services
from igny8.workflows.pipeline_run import run_pipeline
from tests.api.conftest import new_tenant

SAMPLE_BODIES = {
    "/api/v1/accounts": {"name": "intruder"},
    "/api/v1/sites": {"name": "x", "industry": "healthcare-medical", "sectors": ["dental-clinics"]},
    "/api/v1/sites/{site_id}/sectors": {"sectors": ["dental-clinics"]},
    "/api/v1/plugin/connect": {"site_url": "https://a.example", "wordpress_version": "6.1", "plugin_version": "2.0"},
    "/api/v1/plugin/content": {"pages": [{"wp_type": "post", "wp_id": 1, "title": "t"}]},
    "/api/v1/plugin/sync-events": {"events": [{"content_id": "{content_id}", "status": "published", "wp_id": 5}]},
    "/api/v1/plugin/status": {"plugin_version": "2.0", "published": 1, "pending": 0},
    "/api/v1/chat/sessions": {
        "industry": "healthcare-medical",
        "sectors": ["dental-clinics"],
        "site_type": "local_service",
        "site_id": "{site_id}",
    },
    "/api/v1/chat/sessions/{session_id}/messages": {"text": "approve"},
    "/api/v1/chat/sessions/{session_id}/review": {"approve": True},
}


@pytest.fixture(scope="module")
def tenants(api_runtime: Services, client: TestClient) -> tuple[dict, dict]:
    a = new_tenant(api_runtime, client, "tenant-a")
    b = new_tenant(api_runtime, client, "tenant-b")
    session = client.post(
        "/api/v1/chat/sessions",
        headers={"X-IGNY8-API-KEY": b["account_key"]},
        json={
            "industry": "healthcare-medical",
            "sectors": ["dental-clinics"],
            "site_type": "local_service",
            "site_id": b["site"],
        },
    )
    assert session.status_code == 202, session.text
    b["session"] = session.json()["data"]["id"]
    for _ in range(300):
        state = client.get(f"/api/v1/chat/sessions/{b['session']}", headers={"X-IGNY8-API-KEY": b["account_key"]})
        if state.json()["data"]["status"] != "running":
            break
        time.sleep(0.1)
    client.post(
        f"/api/v1/chat/sessions/{b['session']}/messages",
        headers={"X-IGNY8-API-KEY": b["account_key"]},
        json={"text": "approve"},
    )
    for _ in range(300):
        data = client.get(
            f"/api/v1/chat/sessions/{b['session']}", headers={"X-IGNY8-API-KEY": b["account_key"]}
        ).json()["data"]
        if data["status"] == "awaiting_review" and data["review"]["stage"] == "clusters":
            break
        time.sleep(0.1)
    client.post(
        f"/api/v1/chat/sessions/{b['session']}/review",
        headers={"X-IGNY8-API-KEY": b["account_key"]},
        json={"approve": True},
    )
    for _ in range(300):
        data = client.get(
            f"/api/v1/chat/sessions/{b['session']}", headers={"X-IGNY8-API-KEY": b["account_key"]}
        ).json()["data"]
        if data["status"] == "completed":
            break
        time.sleep(0.1)
    assert data["status"] == "completed", data
    with api_runtime.database.connection() as conn:
        activate_blueprint(conn, account_id=b["account"], site_id=b["site"], version=data["result"]["version"])
    run_pipeline(api_runtime, account_id=b["account"], site_id=b["site"], limit=3)
    with api_runtime.database.connection() as conn:
        b["content"] = conn.execute(
            "SELECT id FROM content WHERE site_id = %s ORDER BY id LIMIT 1", (b["site"],)
        ).fetchone()["id"]
    return a, b


def _fill(template: str, b: dict) -> str:
    return (
        template.replace("{site_id}", str(b["site"]))
        .replace("{session_id}", b["session"])
        .replace("{content_id}", str(b["content"]))
    )


def _body(path: str, b: dict) -> dict | None:
    body = SAMPLE_BODIES.get(path)
    if body is None:
        return None
    filled = json.loads(_fill(json.dumps(body), b))
    for event in filled.get("events", []):
        event["content_id"] = int(event["content_id"])
    if "site_id" in filled:
        filled["site_id"] = int(filled["site_id"])
    return filled


def _snapshot(runtime: Services, b: dict) -> tuple:
    with runtime.database.connection() as conn:
        return (
            conn.execute("SELECT name, url FROM sites WHERE id = %s", (b["site"],)).fetchone(),
            conn.execute(
                "SELECT array_agg(sector ORDER BY position) FROM site_sectors WHERE site_id = %s", (b["site"],)
            ).fetchone(),
            conn.execute(
                "SELECT array_agg(status ORDER BY id) FROM content WHERE site_id = %s", (b["site"],)
            ).fetchone(),
            conn.execute("SELECT count(*) FROM sync_events WHERE site_id = %s", (b["site"],)).fetchone(),
            conn.execute(
                "SELECT count(*) FROM api_keys WHERE site_id = %s AND revoked_at IS NULL", (b["site"],)
            ).fetchone(),
            conn.execute("SELECT status FROM chat_sessions WHERE id = %s", (b["session"],)).fetchone(),
            conn.execute("SELECT count(*) FROM chat_events WHERE session_id = %s", (b["session"],)).fetchone(),
        )


def test_site_a_keys_get_nothing_of_site_b(
    client: TestClient, api_runtime: Services, tenants: tuple[dict, dict]
) -> None:
    a, b = tenants
    before = _snapshot(api_runtime, b)
    secrets_of_b = [b["site_key"], b["account_key"], "tenant-b site"]  # ids sent in the request may be echoed
    with api_runtime.database.connection() as conn:
        secrets_of_b += [
            r["title"] for r in conn.execute("SELECT title FROM content WHERE site_id = %s", (b["site"],)).fetchall()
        ]
    schema = client.get("/openapi.json").json()
    tried = 0
    for path, operations in schema["paths"].items():
        for method in operations:
            url = _fill(path, b)
            for key in (a["site_key"], a["account_key"]):
                response = client.request(method.upper(), url, headers={"X-IGNY8-API-KEY": key}, json=_body(path, b))
                tried += 1
                text = response.text
                for secret in secrets_of_b:
                    assert secret not in text, (method, path, secret)
                if "{" in path or path.endswith(("/chat/sessions", "/sync-events")):
                    assert response.status_code in {401, 403, 404, 409, 422}, (method, path, response.text)
                assert response.json()["success"] is (response.status_code < 400)
    assert tried >= 2 * 20
    assert _snapshot(api_runtime, b) == before, "site B's data changed"


def test_keys_are_stored_hashed_and_wrong_keys_are_refused(
    client: TestClient, api_runtime: Services, tenants: tuple[dict, dict]
) -> None:
    a, _ = tenants
    with api_runtime.database.connection() as conn:
        stored = [r["key_hash"] for r in conn.execute("SELECT key_hash FROM api_keys").fetchall()]
    assert a["site_key"] not in stored and all(len(h) == 64 for h in stored)
    for headers in ({}, {"X-IGNY8-API-KEY": "igny8_nothing_here"}, {"X-IGNY8-API-KEY": a["site_key"] + "x"}):
        response = client.get("/api/v1/plugin/health", headers=headers)
        assert response.status_code == 401
        body = response.json()
        assert body["success"] is False and body["error"] and body["request_id"]
