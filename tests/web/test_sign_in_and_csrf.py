"""Sign-in with an account key, the session cookie's flags, CSRF on every form and script request, the
session bridge to the API with the API's own tenancy, and sign-out."""

import re

from fastapi.testclient import TestClient

from igny8.memory import chat_sessions
from igny8.memory.tenancy import list_sites
from igny8.services import Services
from tests.web.conftest import new_account


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def _sign_in(web: TestClient, key: str):  # type: ignore[no-untyped-def]
    web.cookies.clear()
    page = web.get("/sign-in")
    return web.post("/sign-in", data={"csrf_token": _csrf(page.text), "account_key": key})


def _cookie_header(response, name: str) -> str:  # type: ignore[no-untyped-def]
    return next(c for c in response.headers.get_list("set-cookie") if c.startswith(f"{name}="))


def test_a_wrong_key_and_a_site_key_are_refused(web_runtime: Services, web: TestClient) -> None:
    tenant = new_account(web_runtime, "refused", with_site=True)
    wrong = _sign_in(web, tenant["key"][:-3] + "xyz")
    assert wrong.status_code == 401 and "not valid" in wrong.text
    assert "igny8_session" not in web.cookies
    site_key = _sign_in(web, tenant["site_key"])
    assert site_key.status_code == 401 and "site key" in site_key.text
    assert web.get("/app").headers["location"] == "/sign-in"


def test_sign_in_without_its_csrf_token_is_refused(web_runtime: Services, web: TestClient) -> None:
    tenant = new_account(web_runtime, "no-csrf")
    web.cookies.clear()
    web.get("/sign-in")
    refused = web.post("/sign-in", data={"account_key": tenant["key"]})
    assert refused.status_code == 403 and "CSRF" in refused.text
    forged = web.post("/sign-in", data={"account_key": tenant["key"], "csrf_token": "forged"})
    assert forged.status_code == 403 and "igny8_session" not in web.cookies


def test_sign_in_sets_an_http_only_same_site_cookie(web_runtime: Services, web: TestClient) -> None:
    tenant = new_account(web_runtime, "cookie", with_site=True)
    signed = _sign_in(web, tenant["key"])
    assert signed.status_code == 303 and signed.headers["location"] == "/app"
    cookie = _cookie_header(signed, "igny8_session").lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/" in cookie
    assert tenant["key"] not in signed.text and tenant["key"] not in cookie
    sites = web.get("/app")
    assert sites.status_code == 200 and "cookie dental" in sites.text
    assert tenant["key"] not in sites.text


def test_creating_a_site_needs_the_forms_csrf_token(web_runtime: Services, web: TestClient) -> None:
    tenant = new_account(web_runtime, "creator")
    _sign_in(web, tenant["key"])
    form = web.get("/app/sites/new")
    assert form.status_code == 200 and 'id="industry"' in form.text
    fields = {"name": "Bright Smile", "industry": "healthcare-medical", "sectors": ["dental-clinics"]}
    refused = web.post("/app/sites/new", data=fields)
    assert refused.status_code == 403 and "CSRF" in refused.text
    bad = web.post("/app/sites/new", data={**fields, "industry": "dentistry-of-mars", "csrf_token": _csrf(form.text)})
    assert bad.status_code == 422 and "industry" in bad.text
    with web_runtime.database.connection() as conn:
        assert list_sites(conn, account_id=tenant["account"]) == []
    created = web.post("/app/sites/new", data={**fields, "csrf_token": _csrf(form.text)})
    assert created.status_code == 201 and "shown only once" in created.text
    with web_runtime.database.connection() as conn:
        [site] = list_sites(conn, account_id=tenant["account"])
    assert site.name == "Bright Smile" and site.sectors == ("dental-clinics",)


def test_the_bridge_reaches_the_api_with_its_tenancy_and_csrf(web_runtime: Services, web: TestClient) -> None:
    mine = new_account(web_runtime, "mine", with_site=True)
    theirs = new_account(web_runtime, "theirs", with_site=True)
    web.cookies.clear()
    assert web.get("/app/api/sites").status_code == 401
    _sign_in(web, mine["key"])
    listed = web.get("/app/api/sites").json()["data"]
    assert [s["id"] for s in listed] == [mine["site"]]
    assert web.get(f"/app/api/sites/{theirs['site']}").status_code == 404
    assert web.get(f"/app/data/sites/{theirs['site']}/pages").status_code == 404
    body = {"industry": "healthcare-medical", "sectors": ["no-such-sector"], "site_type": "local_service"}
    no_token = web.post("/app/api/chat/sessions", json=body)
    assert no_token.status_code == 403 and "CSRF" in no_token.json()["error"]
    token = _csrf(web.get("/app").text)
    reached = web.post("/app/api/chat/sessions", json=body, headers={"X-CSRF-Token": token})
    # the API's own answer: a sector that names nothing of the catalog or of the account
    assert reached.status_code == 409 and "no-such-sector" in reached.json()["error"]


def test_sign_out_ends_the_session(web_runtime: Services, web: TestClient) -> None:
    tenant = new_account(web_runtime, "leaver")
    _sign_in(web, tenant["key"])
    page = web.get("/app")
    assert web.post("/sign-out", data={}).status_code == 403
    session_cookie = web.cookies.get("igny8_session")
    out = web.post("/sign-out", data={"csrf_token": _csrf(page.text)})
    assert out.status_code == 303 and out.headers["location"] == "/sign-in"
    web.cookies.set("igny8_session", session_cookie)  # a stolen copy of the old cookie no longer works
    assert web.get("/app/api/sites").status_code == 401
    assert web.get("/app").headers["location"] == "/sign-in"


def test_web_routes_stay_out_of_the_openapi_schema(web: TestClient) -> None:
    paths = web.get("/openapi.json").json()["paths"]
    assert paths and all(p.startswith("/api/v1/") for p in paths)


def test_free_text_needs_a_session_of_this_account_waiting_for_review(web_runtime: Services, web: TestClient) -> None:
    tenant = new_account(web_runtime, "talker", with_site=True)
    stranger = new_account(web_runtime, "stranger")
    with web_runtime.database.connection() as conn:
        chat_sessions.insert_session(
            conn, session_id="a" * 32, account_id=tenant["account"], site_id=tenant["site"], request={}
        )
    _sign_in(web, stranger["key"])
    token = _csrf(web.get("/app").text)
    url = f"/app/data/chat/{'a' * 32}/interpret"
    assert web.post(url, json={"text": "approve"}, headers={"X-CSRF-Token": token}).status_code == 404
    _sign_in(web, tenant["key"])
    token = _csrf(web.get("/app").text)
    assert web.post(url, json={"text": "drop dentures"}).status_code == 403  # no CSRF header
    command = web.post(url, json={"text": "remove value treatment Dentures"}, headers={"X-CSRF-Token": token})
    assert command.status_code == 200 and command.json()["command"] is True
    running = web.post(url, json={"text": "drop dentures please"}, headers={"X-CSRF-Token": token})
    assert running.status_code == 409 and "running" in running.json()["error"]
    assert web.post(url, json={"text": ""}, headers={"X-CSRF-Token": token}).status_code == 422
