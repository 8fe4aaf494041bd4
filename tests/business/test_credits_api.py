"""Credits over the HTTP API: the balance and history with an account key, grants only with the operator's admin
token (idempotent by key), and reports listed only for sites the caller may reach."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from igny8.api.app import create_app
from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.llm.embedder import FakeEmbedder
from igny8.llm.gateway import ModelGateway
from igny8.memory.api_keys import issue_key
from igny8.memory.database import Database
from igny8.memory.tenancy import create_account, create_site
from igny8.services import Services

ADMIN = {"X-IGNY8-ADMIN-TOKEN": "test-admin-token"}


@pytest.fixture(scope="module")
def runtime(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Services:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("credits-api"), embedder="fake", admin_token="test-admin-token",
        environment="test",
    )  # fmt: skip
    return Services(settings, database, ModelGateway(settings, database), FakeEmbedder(), load_catalog())


@pytest.fixture(scope="module")
def client(runtime: Services) -> Iterator[TestClient]:
    with TestClient(create_app(runtime)) as test_client:
        yield test_client


def tenant(runtime: Services, name: str) -> dict[str, object]:
    with runtime.database.connection() as conn:
        account = create_account(conn, name=name)
        site = create_site(
            conn, account_id=account, name=f"{name} site", url="https://example.com", site_type="local_service",
            industry="healthcare-medical", sectors=["dental-clinics"],
        ).id  # fmt: skip
        return {
            "account": account,
            "site": site,
            "account_key": {"X-IGNY8-API-KEY": issue_key(conn, account_id=account, site_id=None)},
            "site_key": {"X-IGNY8-API-KEY": issue_key(conn, account_id=account, site_id=site)},
        }


def test_balance_and_history_need_the_account_key(runtime: Services, client: TestClient) -> None:
    alice = tenant(runtime, "alice")
    answer = client.get("/api/v1/credits", headers=alice["account_key"])
    assert answer.status_code == 200, answer.text
    data = answer.json()["data"]
    assert data["plan"] == "lite" and data["balance"] == data["available"] == 10_000
    assert client.get("/api/v1/credits").status_code == 401
    assert client.get("/api/v1/credits", headers=alice["site_key"]).status_code == 403
    history = client.get("/api/v1/credits/history?limit=5", headers=alice["account_key"]).json()["data"]
    assert [row["kind"] for row in history] == ["grant"]
    assert client.get("/api/v1/credits/history?limit=0", headers=alice["account_key"]).status_code == 422


def test_grants_need_the_admin_token_and_count_once_per_key(runtime: Services, client: TestClient) -> None:
    bob = tenant(runtime, "bob")
    body = {"account_id": bob["account"], "credits": 500, "reason": "launch bonus", "key": "bonus-1"}
    assert client.post("/api/v1/credits/grants", json=body).status_code == 401
    assert client.post("/api/v1/credits/grants", json=body, headers={"X-IGNY8-ADMIN-TOKEN": "nope"}).status_code == 401
    first = client.post("/api/v1/credits/grants", json=body, headers=ADMIN)
    assert first.status_code == 201 and first.json()["data"]["granted"] is True
    again = client.post("/api/v1/credits/grants", json=body, headers=ADMIN).json()["data"]
    assert again["granted"] is False and again["balance"]["balance"] == 10_500
    upgraded = client.post("/api/v1/credits/grants", json={"account_id": bob["account"], "plan": "pro"}, headers=ADMIN)
    assert upgraded.json()["data"]["balance"]["plan"] == "pro"
    for bad in ({"account_id": bob["account"], "credits": 0}, {"account_id": bob["account"], "plan": "gold"},
                {"account_id": bob["account"], "credits": 5, "extra": 1}):  # fmt: skip
        refused = client.post("/api/v1/credits/grants", json=bad, headers=ADMIN)
        assert refused.status_code == 422 and refused.json()["success"] is False
    nothing = client.post("/api/v1/credits/grants", json={"account_id": bob["account"]}, headers=ADMIN)
    assert nothing.status_code == 422 and "--credits" in nothing.json()["error"]
    missing = client.post("/api/v1/credits/grants", json={"account_id": 999_999, "credits": 5}, headers=ADMIN)
    assert missing.status_code == 404


def test_reports_are_listed_only_for_reachable_sites(runtime: Services, client: TestClient) -> None:
    carol, dave = tenant(runtime, "carol"), tenant(runtime, "dave")
    mine = client.get(f"/api/v1/sites/{carol['site']}/reports", headers=carol["site_key"])
    assert mine.status_code == 200 and mine.json()["data"] == []
    assert client.get(f"/api/v1/sites/{dave['site']}/reports", headers=carol["account_key"]).status_code == 404


def test_the_plan_limits_how_many_sites_an_account_creates(runtime: Services, client: TestClient) -> None:
    with runtime.database.connection() as conn:
        account = create_account(conn, name="three-site agency")
        key = {"X-IGNY8-API-KEY": issue_key(conn, account_id=account, site_id=None)}
    body = {"url": "https://example.com", "industry": "healthcare-medical", "sectors": ["dental-clinics"]}
    for number in range(1, 4):  # Lite covers three sites
        made = client.post("/api/v1/sites", json={**body, "name": f"clinic {number}"}, headers=key)
        assert made.status_code == 201, made.text
    refused = client.post("/api/v1/sites", json={**body, "name": "clinic 4"}, headers=key)
    assert refused.status_code == 409
    assert "lite plan covers 3 sites" in refused.json()["error"] and "--plan pro" in refused.json()["error"]
    assert len(client.get("/api/v1/sites", headers=key).json()["data"]) == 3, "the refused site was not made"
    upgraded = client.post("/api/v1/credits/grants", json={"account_id": account, "plan": "pro"}, headers=ADMIN)
    assert upgraded.status_code in {200, 201}, upgraded.text
    assert client.post("/api/v1/sites", json={**body, "name": "clinic 4"}, headers=key).status_code == 201
