"""`POST /api/v1/sites` takes a sector outside the catalog when the account has its own template for it (in that
industry), refuses it for any other account with the catalog's message, and the OpenAPI document says so."""

import re

import pytest
from fastapi.testclient import TestClient

from igny8.memory.api_keys import issue_key
from igny8.memory.sector_templates_repo import save_sector_template
from igny8.memory.tenancy import create_account
from igny8.services import Services

OWN = "sleep-apnea-clinics"
INDUSTRY = "healthcare-medical"


def _account(runtime: Services, name: str, *, with_template: str | None = None) -> str:
    with runtime.database.connection() as conn:
        account = create_account(conn, name=name)
        if with_template is not None:
            template = runtime.catalog.template("dental-clinics").model_copy(
                update={"sector": OWN, "industry": with_template, "source": "user_contributed"}
            )
            save_sector_template(conn, template, account_id=account)
        return issue_key(conn, account_id=account, site_id=None)


def _sites(runtime: Services) -> int:
    with runtime.database.connection() as conn:
        return conn.execute("SELECT count(*) AS n FROM sites").fetchone()["n"]


def _create(client: TestClient, key: str, sectors: list[str], **extra: str):  # type: ignore[no-untyped-def]
    body = {"name": "Sleep site", "industry": INDUSTRY, "sectors": sectors, "site_type": "local_service", **extra}
    return client.post("/api/v1/sites", headers={"X-IGNY8-API-KEY": key}, json=body)


@pytest.fixture(scope="module")
def owner_key(api_runtime: Services) -> str:
    return _account(api_runtime, "own-sector owner", with_template=INDUSTRY)


def test_the_accounts_own_sector_is_accepted_beside_a_catalog_one(
    client: TestClient, api_runtime: Services, owner_key: str
) -> None:
    created = _create(client, owner_key, ["dental-clinics", OWN])
    assert created.status_code == 201, created.text
    data = created.json()["data"]
    assert data["sectors"] == ["dental-clinics", OWN] and data["industry"] == INDUSTRY and data["api_key"]
    read = client.get(f"/api/v1/sites/{data['id']}", headers={"X-IGNY8-API-KEY": owner_key})
    assert read.json()["data"]["sectors"] == ["dental-clinics", OWN]
    alone = _create(client, owner_key, [OWN])
    assert alone.status_code == 201, alone.text
    assert alone.json()["data"]["sectors"] == [OWN]


def test_without_the_template_the_sector_is_refused_with_the_catalogs_message(
    client: TestClient, api_runtime: Services, owner_key: str
) -> None:
    stranger = _account(api_runtime, "no templates")
    before = _sites(api_runtime)
    refused = _create(client, stranger, ["dental-clinics", OWN])
    assert refused.status_code == 409, refused.text
    body = refused.json()
    assert body["success"] is False
    assert body["error"].startswith(f"unknown sector '{OWN}' in industry '{INDUSTRY}'")
    assert "a template for" in body["errors"]["sectors"][0]
    elsewhere = _account(api_runtime, "template of another industry", with_template="automotive")
    other = _create(client, elsewhere, [OWN])
    assert other.status_code == 409 and f"unknown sector '{OWN}'" in other.json()["error"]
    assert _create(client, owner_key, ["no-such-sector"]).status_code == 409
    malformed = _create(client, owner_key, ["Sleep Apnea!"])  # not a slug: a malformed body, as before
    assert malformed.status_code == 422 and "unknown sector 'Sleep Apnea!'" in malformed.json()["error"]
    assert _sites(api_runtime) == before


def test_the_contract_declares_catalog_sectors_or_an_own_sectors_slug(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()["components"]["schemas"]["SiteIn"]
    branch = next(b for b in schema["oneOf"] if b["properties"]["industry"]["const"] == INDUSTRY)
    catalog_enum, own = branch["properties"]["sectors"]["items"]["anyOf"]
    assert "dental-clinics" in catalog_enum["enum"] and OWN not in catalog_enum["enum"]
    assert re.fullmatch(own["pattern"], OWN) and not re.fullmatch(own["pattern"], "Sleep Apnea!")
    assert "own template" in own["description"]
    assert "409" in client.get("/openapi.json").json()["paths"]["/api/v1/sites"]["post"]["responses"]


def test_a_chat_session_takes_the_same_sectors_and_refuses_the_same(client: TestClient, api_runtime: Services) -> None:
    stranger = _account(api_runtime, "chat without templates")
    body = {"industry": INDUSTRY, "sectors": [OWN], "site_type": "local_service"}
    refused = client.post("/api/v1/chat/sessions", headers={"X-IGNY8-API-KEY": stranger}, json=body)
    assert refused.status_code == 409 and f"unknown sector '{OWN}'" in refused.json()["error"]
    malformed = {**body, "sectors": ["Sleep Apnea!"]}
    assert (
        client.post("/api/v1/chat/sessions", headers={"X-IGNY8-API-KEY": stranger}, json=malformed).status_code == 422
    )
    document = client.get("/openapi.json").json()
    schema = document["components"]["schemas"]["SessionIn"]
    branch = next(b for b in schema["oneOf"] if b["properties"]["industry"]["const"] == INDUSTRY)
    assert [
        set(option) >= {"pattern"} or "enum" in option for option in branch["properties"]["sectors"]["items"]["anyOf"]
    ] == [True, True]
    assert "409" in document["paths"]["/api/v1/chat/sessions"]["post"]["responses"]
