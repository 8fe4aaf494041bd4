"""The service under load keeps its promises: per-key rate limits answer 429 with Retry-After, a request past
its time limit answers 503 (streams excepted), the plugin's blueprint views answer 304 to the ETag they gave,
a rotated key stops working at once despite the key cache, and a 405 lists every method of the path."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from igny8.api.app import create_app
from igny8.api.middleware import TimeLimit
from igny8.api.rate_limit import RateLimiter
from igny8.memory.api_keys import issue_key
from igny8.memory.key_cache import MISS, KeyCache
from igny8.services import Services
from tests.api.conftest import new_tenant
from tests.dental_site import new_dental_site


@pytest.fixture(scope="module")
def plugin_site(api_runtime: Services) -> tuple[int, int, str]:
    account, site = new_dental_site(api_runtime, name="Polled Smile")
    with api_runtime.database.connection() as conn:
        key = issue_key(conn, account_id=account, site_id=site, label="site")
    return account, site, key


def test_blueprint_views_answer_304_to_their_etag(client: TestClient, plugin_site: tuple[int, int, str]) -> None:
    headers = {"X-IGNY8-API-KEY": plugin_site[2]}
    for path in ("/api/v1/plugin/blueprint", "/api/v1/plugin/taxonomies"):
        first = client.get(path, headers=headers)
        assert first.status_code == 200, first.text
        etag = first.headers["ETag"]
        assert first.json()["success"] is True and first.json()["data"]
        again = client.get(path, headers={**headers, "If-None-Match": etag})
        assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag
        stale = client.get(path, headers={**headers, "If-None-Match": '"not-this-one"'})
        assert stale.status_code == 200 and stale.json() == {**first.json(), "request_id": stale.json()["request_id"]}
    blueprint = client.get("/api/v1/plugin/blueprint", headers=headers).json()["data"]
    assert blueprint["status"] == "active" and blueprint["taxonomy"] and blueprint["clusters"]
    health = client.get("/api/v1/plugin/health", headers=headers).json()["data"]
    assert health == {"status": "ok", "site_id": plugin_site[1], "active_blueprint_version": blueprint["version"]}


def test_a_rotated_key_stops_at_once_despite_the_cache(api_runtime: Services, client: TestClient) -> None:
    tenant = new_tenant(api_runtime, client, "rotating")
    old = {"X-IGNY8-API-KEY": tenant["site_key"]}
    assert client.get("/api/v1/plugin/health", headers=old).status_code == 200  # now cached
    rotated = client.post(f"/api/v1/sites/{tenant['site']}/keys", headers={"X-IGNY8-API-KEY": tenant["account_key"]})
    assert rotated.status_code == 201
    deadline = time.monotonic() + 5  # the revocation notice arrives over LISTEN/NOTIFY
    while client.get("/api/v1/plugin/health", headers=old).status_code != 401:
        assert time.monotonic() < deadline, "the revoked key still passed after 5 s"
        time.sleep(0.05)
    fresh = client.get("/api/v1/plugin/health", headers={"X-IGNY8-API-KEY": rotated.json()["data"]["api_key"]})
    assert fresh.status_code == 200


def test_rate_limit_answers_429_with_retry_after(api_runtime: Services) -> None:
    limited = api_runtime.settings.model_copy(update={"api_rate_limit_per_s": 1.0, "api_rate_burst": 3})
    runtime = Services(limited, api_runtime.database, api_runtime.gateway, api_runtime.embedder, api_runtime.catalog)
    with TestClient(create_app(runtime)) as limited_client:
        tenant = new_tenant(runtime, limited_client, "hurried")
        site_key = {"X-IGNY8-API-KEY": tenant["site_key"]}
        answers = [limited_client.get("/api/v1/plugin/health", headers=site_key) for _ in range(6)]
        assert [a.status_code for a in answers[:3]] == [200, 200, 200]  # the burst
        refused = [a for a in answers if a.status_code == 429]
        assert refused, [a.status_code for a in answers]
        body = refused[0].json()
        assert int(refused[0].headers["Retry-After"]) >= 1 and body["success"] is False and "too many" in body["error"]
        # Another key has its own bucket.
        other = limited_client.get("/api/v1/account", headers={"X-IGNY8-API-KEY": tenant["account_key"]})
        assert other.status_code == 200


def test_rate_limiter_refills_over_time() -> None:
    limiter = RateLimiter(rate=50.0, burst=2)
    assert [limiter.retry_after(7) for _ in range(3)] == [0, 0, 1]
    time.sleep(0.05)  # 2.5 tokens' worth
    assert limiter.retry_after(7) == 0
    assert RateLimiter(rate=0, burst=1).retry_after(7) == 0  # off


def test_key_cache_expires_and_clears() -> None:
    cache = KeyCache(ttl_s=0.05)
    cache.put("igny8_a_b", None)
    assert cache.get("igny8_a_b") is None
    time.sleep(0.06)
    assert cache.get("igny8_a_b") is MISS
    cache.put("igny8_a_b", None)
    cache.clear()
    assert cache.get("igny8_a_b") is MISS
    assert KeyCache(ttl_s=0).get("anything") is MISS


@pytest.fixture()
def slow_app() -> Iterator[TestClient]:
    app = FastAPI()

    @app.get("/slow")
    async def slow() -> dict[str, str]:
        await asyncio.sleep(5)
        return {"done": "late"}

    @app.get("/fast")
    async def fast() -> dict[str, str]:
        return {"done": "now"}

    @app.get("/sessions/x/events")
    async def stream() -> dict[str, str]:
        await asyncio.sleep(0.3)
        return {"done": "streams have their own limit"}

    app.add_middleware(TimeLimit, seconds=0.2)
    with TestClient(app) as test_client:
        yield test_client


def test_time_limit_answers_503_and_spares_streams(slow_app: TestClient) -> None:
    started = time.monotonic()
    late = slow_app.get("/slow")
    assert late.status_code == 503 and time.monotonic() - started < 3
    assert late.json()["success"] is False and "time limit" in late.json()["error"]
    assert slow_app.get("/fast").json() == {"done": "now"}
    assert slow_app.get("/sessions/x/events").status_code == 200


def test_405_lists_every_method_of_the_path(client: TestClient) -> None:
    answer = client.delete("/api/v1/sites")
    assert answer.status_code == 405
    assert answer.headers["Allow"] == "GET, POST" and answer.json()["success"] is False


def test_openapi_declares_errors_enums_and_the_key_scheme(client: TestClient) -> None:
    document = client.get("/openapi.json").json()
    health = document["paths"]["/api/v1/plugin/health"]["get"]
    assert {"401", "403", "429", "500", "503"} <= set(health["responses"])
    assert health["responses"]["429"]["headers"]["Retry-After"]
    envelope = health["responses"]["401"]["content"]["application/json"]["schema"]["$ref"]
    assert envelope == "#/components/schemas/ErrorEnvelope"
    create_site = document["paths"]["/api/v1/sites"]["post"]
    assert {"400", "413", "422"} <= set(create_site["responses"])
    schemas = document["components"]["schemas"]
    assert schemas["ErrorEnvelope"]["required"] == ["success", "error", "errors", "request_id"]
    site_in = schemas["SiteIn"]
    assert "healthcare-medical" in site_in["properties"]["industry"]["enum"]
    dental = next(b for b in site_in["oneOf"] if b["properties"]["industry"]["const"] == "healthcare-medical")
    catalog_sectors, own_sector = dental["properties"]["sectors"]["items"]["anyOf"]  # or the account's own niche
    assert "dental-clinics" in catalog_sectors["enum"] and own_sector["pattern"]
    assert document["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey",
        "in": "header",
        "name": "X-IGNY8-API-KEY",
        "description": document["components"]["securitySchemes"]["ApiKey"]["description"],
    }
