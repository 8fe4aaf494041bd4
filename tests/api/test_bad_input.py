"""Malformed JSON, oversized bodies, wrong or missing keys, unknown fields: a clear 4xx in the envelope and
nothing written."""

import pytest
from fastapi.testclient import TestClient

from igny8.services import Services
from tests.api.conftest import new_tenant


@pytest.fixture(scope="module")
def tenant(api_runtime: Services, client: TestClient) -> dict:
    return new_tenant(api_runtime, client, "careful")


def _counts(runtime: Services) -> tuple:
    with runtime.database.connection() as conn:
        return tuple(
            conn.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]
            for table in ("accounts", "sites", "site_pages", "sync_events", "chat_sessions", "api_keys")
        )


def _assert_error(response, status: int, text: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False and text in body["error"] and body["request_id"]
    assert response.headers["X-Request-ID"] == body["request_id"]
    return body


def test_malformed_json(client: TestClient, api_runtime: Services, tenant: dict) -> None:
    before = _counts(api_runtime)
    response = client.post(
        "/api/v1/plugin/content",
        headers={"X-IGNY8-API-KEY": tenant["site_key"], "Content-Type": "application/json"},
        content=b'{"pages": [{"wp_type": "post",',
    )
    _assert_error(response, 400, "malformed JSON")
    assert _counts(api_runtime) == before


def test_oversized_body_with_and_without_content_length(
    client: TestClient, api_runtime: Services, tenant: dict
) -> None:
    before = _counts(api_runtime)
    big = b'{"pages": [' + b",".join([b'{"wp_type": "post", "wp_id": 1, "title": "x"}'] * 3000) + b"]}"
    headers = {"X-IGNY8-API-KEY": tenant["site_key"], "Content-Type": "application/json"}
    _assert_error(client.post("/api/v1/plugin/content", headers=headers, content=big), 413, "larger than")

    def chunks():  # type: ignore[no-untyped-def]
        for start in range(0, len(big), 4096):
            yield big[start : start + 4096]

    _assert_error(client.post("/api/v1/plugin/content", headers=headers, content=chunks()), 413, "larger than")
    assert _counts(api_runtime) == before


def test_unknown_fields_and_wrong_types_name_the_field(client: TestClient, api_runtime: Services, tenant: dict) -> None:
    before = _counts(api_runtime)
    body = _assert_error(
        client.post(
            "/api/v1/plugin/content",
            headers={"X-IGNY8-API-KEY": tenant["site_key"]},
            json={"pages": [{"wp_type": "post", "wp_id": 1, "title": "t", "colour": 1}]},
        ),
        422,
        "does not validate",
    )
    assert body["errors"] == {"pages.0.colour": ["unknown field"]}
    body = _assert_error(
        client.post(
            "/api/v1/plugin/status",
            headers={"X-IGNY8-API-KEY": tenant["site_key"]},
            json={"plugin_version": "2", "published": -1, "pending": "many"},
        ),
        422,
        "does not validate",
    )
    assert set(body["errors"]) == {"published", "pending"}
    assert _counts(api_runtime) == before


def test_missing_and_wrong_keys_and_wrong_key_kind(client: TestClient, api_runtime: Services, tenant: dict) -> None:
    before = _counts(api_runtime)
    _assert_error(client.get("/api/v1/sites"), 401, "missing API key")
    _assert_error(client.get("/api/v1/sites", headers={"X-IGNY8-API-KEY": "nope"}), 401, "not valid")
    _assert_error(
        client.post(
            "/api/v1/sites",
            headers={"X-IGNY8-API-KEY": tenant["site_key"]},
            json={"name": "x", "industry": "healthcare-medical", "sectors": ["dental-clinics"]},
        ),
        403,
        "needs an account key",
    )
    _assert_error(
        client.get("/api/v1/plugin/health", headers={"X-IGNY8-API-KEY": tenant["account_key"]}),
        403,
        "use the site's key",
    )
    _assert_error(client.post("/api/v1/accounts", json={"name": "x"}), 401, "X-IGNY8-ADMIN-TOKEN")
    assert _counts(api_runtime) == before


def test_catalog_mistakes_are_explained(client: TestClient, api_runtime: Services, tenant: dict) -> None:
    before = _counts(api_runtime)
    body = _assert_error(
        client.post(
            "/api/v1/sites",
            headers={"X-IGNY8-API-KEY": tenant["account_key"]},
            json={"name": "x", "industry": "helthcare", "sectors": ["dental-clinics"]},
        ),
        422,
        "Did you mean: healthcare-medical",
    )
    assert body["success"] is False
    _assert_error(
        client.post(
            "/api/v1/sites",
            headers={"X-IGNY8-API-KEY": tenant["account_key"]},
            json={"name": "x", "url": "ftp://nope", "industry": "healthcare-medical", "sectors": ["dental-clinics"]},
        ),
        422,
        "must be an http(s) address",
    )
    assert _counts(api_runtime) == before


def test_account_creation_with_the_admin_token(client: TestClient) -> None:
    created = client.post(
        "/api/v1/accounts", headers={"X-IGNY8-ADMIN-TOKEN": "test-admin-token"}, json={"name": "New Agency"}
    )
    assert created.status_code == 201
    key = created.json()["data"]["api_key"]
    assert client.get("/api/v1/account", headers={"X-IGNY8-API-KEY": key}).json()["data"]["name"] == "New Agency"
