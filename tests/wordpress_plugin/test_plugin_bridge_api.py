"""`POST /api/v1/plugin/bridge`: the plugin registers where it answers and its secret (site key only; the
secret is kept sealed; invalid input is refused naming the field and stores nothing)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from igny8.memory.secret_box import secret_box_for
from igny8.services import Services
from tests.api.conftest import new_tenant

SECRET = "a1" * 24


def _bridges(runtime: Services, site: int) -> list[dict]:
    with runtime.database.connection() as conn:
        return conn.execute("SELECT * FROM plugin_bridges WHERE site_id = %s", (site,)).fetchall()


def test_a_site_key_registers_the_plugin_and_the_secret_is_stored_sealed(api_runtime: Services, client: TestClient):
    tenant = new_tenant(api_runtime, client, "bridge")
    answer = client.post(
        "/api/v1/plugin/bridge",
        headers={"X-IGNY8-API-KEY": tenant["site_key"]},
        json={"site_url": "https://smile.example/", "secret": SECRET},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["data"] == {"site_id": tenant["site"], "site_url": "https://smile.example", "registered": True}
    [row] = _bridges(api_runtime, tenant["site"])
    assert SECRET not in row["secret_sealed"]
    assert secret_box_for(api_runtime.settings).open(row["secret_sealed"]) == SECRET
    again = client.post(
        "/api/v1/plugin/bridge",
        headers={"X-IGNY8-API-KEY": tenant["site_key"]},
        json={"site_url": "https://www.smile.example", "secret": "b2" * 24},
    )
    assert again.status_code == 200
    [row] = _bridges(api_runtime, tenant["site"])
    assert row["site_url"] == "https://www.smile.example"


def test_bad_input_and_the_wrong_key_are_refused_and_store_nothing(api_runtime: Services, client: TestClient):
    tenant = new_tenant(api_runtime, client, "bridge-refused")
    site_key = {"X-IGNY8-API-KEY": tenant["site_key"]}
    account_key = {"X-IGNY8-API-KEY": tenant["account_key"]}
    cases = [
        (site_key, {"site_url": "https://smile.example", "secret": "short"}, 422, "secret"),
        (site_key, {"site_url": "https://smile.example", "secret": "x" * 40 + "<>"}, 422, "secret"),
        (site_key, {"site_url": "ftp://smile.example", "secret": SECRET}, 422, "site_url"),
        (site_key, {"site_url": "https://smile.example", "secret": SECRET, "extra": 1}, 422, "extra"),
        (account_key, {"site_url": "https://smile.example", "secret": SECRET}, 403, None),
        ({}, {"site_url": "https://smile.example", "secret": SECRET}, 401, None),
        ({"X-IGNY8-API-KEY": "igny8_nope"}, {"site_url": "https://smile.example", "secret": SECRET}, 401, None),
    ]
    for headers, body, status, field in cases:
        answer = client.post("/api/v1/plugin/bridge", headers=headers, json=body)
        assert answer.status_code == status, (body, answer.text)
        envelope = answer.json()
        assert envelope["success"] is False
        if field is not None:
            assert any(field in key for key in envelope["errors"]), envelope
    assert _bridges(api_runtime, tenant["site"]) == []
