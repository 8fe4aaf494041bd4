"""The web app's Search Console page against the local Google server: the installed-app flow with the web
app's own callback (PKCE, state bound to the session, single use, expiring), the SameSite bounce, the
service-account upload, disconnect, what the page shows, and every refusal as a message with nothing stored."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from igny8.api.app import create_app
from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.llm.embedder import FakeEmbedder
from igny8.llm.gateway import ModelGateway
from igny8.memory import search_console_repo as repo
from igny8.memory.database import Database
from igny8.memory.gsc_inspection_repo import spend_quota
from igny8.memory.secret_box import secret_box_for
from igny8.services import Services
from igny8.tools.search_console.quota import quota_day
from tests.api.conftest import LiveServer
from tests.search_console.google_server import GoogleServer, GoogleState, google_server
from tests.web.conftest import new_account

PROPERTY = "sc-domain:brightsmile.example"


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def google(rsa_key: rsa.RSAPrivateKey) -> Iterator[GoogleServer]:
    with google_server(GoogleState(properties={PROPERTY}, service_account_public_key=rsa_key.public_key())) as server:
        yield server


@pytest.fixture(scope="module")
def runtime(database: Database, google: GoogleServer, tmp_path_factory: pytest.TempPathFactory) -> Services:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("gsc-web"),
        embedder="fake",
        default_model="igny8-fake/lorem",
        environment="test",
        gsc_api_base=google.base_url,
        gsc_token_url=google.token_url,
        gsc_backoff_base_s=0.01,
        gsc_retry_attempts=2,
    )
    return Services(settings, database, ModelGateway(settings, database), FakeEmbedder(), load_catalog())


@pytest.fixture(scope="module")
def web(runtime: Services) -> Iterator[TestClient]:
    with TestClient(create_app(runtime), follow_redirects=False) as client:
        yield client


@pytest.fixture()
def tenant(runtime: Services, web: TestClient, request: pytest.FixtureRequest) -> dict:
    """A fresh account with a site, signed in; ``csrf`` is the session's token."""
    found = new_account(runtime, request.node.name[:40], with_site=True)
    web.cookies.clear()
    form = web.get("/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    assert web.post("/sign-in", data={"csrf_token": token, "account_key": found["key"]}).status_code == 303
    page = web.get(_page(found["site"]))
    found["csrf"] = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    return found


def _page(site: int) -> str:
    return f"/app/sites/{site}/search-console"


def _client_json(google: GoogleServer, **change: object) -> bytes:
    section = {
        "client_id": google.state.client_id,
        "client_secret": google.state.client_secret,
        "auth_uri": google.auth_url,
        "token_uri": google.token_url,
        "redirect_uris": ["http://localhost"],
        **change,
    }
    return json.dumps({"installed": section}).encode()


def _authorise(web: TestClient, tenant: dict, client: bytes, prop: str = PROPERTY) -> httpx.Response:
    return web.post(
        _page(tenant["site"]) + "/authorise",
        data={"csrf_token": tenant["csrf"], "property": prop},
        files={"client_file": ("client_secret_123.json", client, "application/json")},
    )


def _consent(consent_url: str) -> str:
    """What the browser does at Google: consent, and get redirected back (the callback address)."""
    answer = httpx.get(consent_url, timeout=10)
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def _stored(runtime: Services, site: int) -> repo.StoredGscConnection | None:
    with runtime.database.connection() as conn:
        return repo.get_connection(conn, site_id=site)


def _pending_count(runtime: Services, site: int) -> int:
    with runtime.database.connection() as conn:
        return conn.execute("SELECT count(*) AS n FROM gsc_oauth_pending WHERE site_id = %s", (site,)).fetchone()["n"]


def _error(page: httpx.Response) -> str:
    found = re.search(r'id="gsc-error">([^<]*)<', page.text)
    assert found, page.text[:2000]
    assert "Traceback" not in page.text
    return found.group(1)


def test_the_page_needs_sign_in_and_shows_not_connected(web: TestClient, tenant: dict, runtime: Services) -> None:
    dashboard = web.get(f"/app/sites/{tenant['site']}")
    assert f'href="/app/sites/{tenant["site"]}/search-console"' in dashboard.text
    page = web.get(_page(tenant["site"]))
    assert page.status_code == 200 and 'data-state="not_connected"' in page.text and "Disconnect" not in page.text
    other = new_account(runtime, "someone else", with_site=True)
    assert web.get(_page(other["site"])).status_code == 404  # another account's site
    web.cookies.clear()
    assert web.get(_page(tenant["site"])).headers["location"] == "/sign-in"
    assert web.post(_page(tenant["site"]) + "/disconnect", data={}).headers["location"] == "/sign-in"


def test_installed_app_flow_through_the_web_apps_callback(
    web: TestClient, tenant: dict, runtime: Services, google: GoogleServer
) -> None:
    site = tenant["site"]
    sent = _authorise(web, tenant, _client_json(google))
    assert sent.status_code == 303, sent.text
    consent_url = sent.headers["location"]
    query = {k: v[0] for k, v in parse_qs(urlsplit(consent_url).query).items()}
    assert consent_url.startswith(google.auth_url + "?")
    assert query["redirect_uri"] == f"http://testserver/app/sites/{site}/search-console/callback"
    assert query["code_challenge_method"] == "S256" and query["access_type"] == "offline" and query["state"]
    with runtime.database.connection() as conn:
        row = conn.execute("SELECT * FROM gsc_oauth_pending WHERE site_id = %s", (site,)).fetchone()
    assert google.state.client_secret not in row["sealed_client"] and query["state"] not in row["state_hash"]

    callback = _consent(consent_url)
    assert callback.startswith(query["redirect_uri"] + "?")
    # Google's redirect is a cross-site navigation: the SameSite=Strict cookie is not sent, the page reloads.
    cookies = dict(web.cookies)
    web.cookies.clear()
    bounce = web.get(callback)
    assert bounce.status_code == 200 and 'http-equiv="refresh"' in bounce.text and "resumed=1" in bounce.text
    assert _pending_count(runtime, site) == 1 and _stored(runtime, site) is None
    again = re.search(r'id="continue" href="([^"]+)"', bounce.text).group(1).replace("&amp;", "&")  # type: ignore[union-attr]
    assert web.get(again).headers["location"] == "/sign-in"  # still no session after the reload: sign in
    web.cookies.update(cookies)

    done = web.get(again)
    assert done.status_code == 303 and done.headers["location"] == _page(site) + "?done=connected", done.text
    exchange = [r for r in google.state.token_requests if r["grant_type"] == "authorization_code"][-1]
    assert exchange["redirect_uri"] == query["redirect_uri"] and exchange["code_verifier"]
    stored = _stored(runtime, site)
    assert stored is not None and stored.auth_kind == "installed_app" and stored.property == PROPERTY
    credential = json.loads(secret_box_for(runtime.settings).open(stored.credential_secret))
    assert credential["refresh_token"] in google.state.refresh_tokens
    assert credential["refresh_token"] not in stored.credential_secret
    assert _pending_count(runtime, site) == 0

    page = web.get(done.headers["location"])
    assert 'data-state="connected"' in page.text and f"Connected to <code>{PROPERTY}</code>" in page.text
    assert "access to the property was checked" in page.text and "Disconnect" in page.text
    replay = web.get(again)  # the state is single use
    assert replay.status_code == 400 and "already used" in _error(replay)


def test_consent_refusals_and_stale_states_store_nothing(
    web: TestClient, tenant: dict, runtime: Services, google: GoogleServer
) -> None:
    site, callback = tenant["site"], f"/app/sites/{tenant['site']}/search-console/callback"

    def started(prop: str = PROPERTY) -> dict[str, str]:
        sent = _authorise(web, tenant, _client_json(google), prop)
        assert sent.status_code == 303, sent.text
        return {"url": sent.headers["location"]} | {
            k: v[0] for k, v in parse_qs(urlsplit(sent.headers["location"]).query).items()
        }

    denied = web.get(callback, params={"error": "access_denied", "state": started()["state"]})
    assert denied.status_code == 400 and "did not grant access: access_denied" in _error(denied)

    assert "does not match" in _error(web.get(callback, params={"code": "4/x", "state": "forged"}))

    late = started()
    with runtime.database.connection() as conn:
        conn.execute(
            "UPDATE gsc_oauth_pending SET expires_at = now() - interval '1 minute' WHERE site_id = %s", (site,)
        )
    assert "expired" in _error(web.get(callback, params={"code": "4/x", "state": late["state"]}))

    foreign = started("sc-domain:not-ours.example")  # the grant may not read this property: Google answers 403
    answer = web.get(_consent(foreign["url"]))
    assert answer.status_code == 400 and "may not read this property" in _error(answer)

    stolen = started()  # a state presented by another signed-in account is not this session's
    intruder = new_account(runtime, "intruder")
    web.cookies.clear()
    token = re.search(r'name="csrf_token" value="([^"]+)"', web.get("/sign-in").text).group(1)  # type: ignore[union-attr]
    web.post("/sign-in", data={"csrf_token": token, "account_key": intruder["key"]})
    assert web.get(callback, params={"code": "4/x", "state": stolen["state"]}).status_code == 404  # not its site
    assert _stored(runtime, site) is None and _pending_count(runtime, site) == 1  # left for its own session


def test_bad_forms_answer_with_what_to_fix(
    web: TestClient, tenant: dict, runtime: Services, google: GoogleServer
) -> None:
    url = _page(tenant["site"]) + "/authorise"
    no_csrf = web.post(url, data={"property": PROPERTY}, files={"client_file": ("c.json", _client_json(google))})
    assert no_csrf.status_code == 403 and "CSRF" in _error(no_csrf)
    assert "is not JSON" in _error(_authorise(web, tenant, b"{not json"))
    web_client = json.dumps({"web": {"client_id": "x", "client_secret": "y"}}).encode()
    assert "web application client" in _error(_authorise(web, tenant, web_client))
    assert "auth_uri" in _error(_authorise(web, tenant, _client_json(google, auth_uri="javascript:alert(1)")))
    assert "not a Search Console property" in _error(_authorise(web, tenant, _client_json(google), "example.com"))
    pasted = web.post(url, data={"csrf_token": tenant["csrf"], "property": PROPERTY, "client_json": "[1]"})
    assert "expected a JSON object" in _error(pasted)
    empty = web.post(url, data={"csrf_token": tenant["csrf"], "property": PROPERTY})
    assert "choose an OAuth client file" in _error(empty)
    huge = _authorise(web, tenant, b" " * 70_000)
    assert "too large" in _error(huge)
    pasted_huge = web.post(url, data={"csrf_token": tenant["csrf"], "property": PROPERTY, "client_json": "x" * 200_000})
    assert "could not be read" in _error(pasted_huge)
    assert _pending_count(runtime, tenant["site"]) == 0 and _stored(runtime, tenant["site"]) is None


def _key_file(google: GoogleServer, rsa_key: rsa.RSAPrivateKey) -> bytes:
    pem = rsa_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    return json.dumps(
        {
            "type": "service_account",
            "private_key_id": "k1",
            "private_key": pem,
            "client_email": google.state.service_account_email,
        }
    ).encode()


def test_service_account_status_and_disconnect(
    web: TestClient, tenant: dict, runtime: Services, google: GoogleServer, rsa_key: rsa.RSAPrivateKey
) -> None:
    site, url = tenant["site"], _page(tenant["site"]) + "/service-account"
    files = {"key_file": ("key.json", _key_file(google, rsa_key), "application/json")}
    refused = web.post(url, data={"csrf_token": tenant["csrf"], "property": "sc-domain:other.example"}, files=files)
    assert refused.status_code == 400 and "may not read this property" in _error(refused)
    bad_key = web.post(
        url, data={"csrf_token": tenant["csrf"], "property": PROPERTY}, files={"key_file": ("k.json", b'{"type": "x"}')}
    )
    assert "not a usable service account key" in _error(bad_key) and _stored(runtime, site) is None

    done = web.post(url, data={"csrf_token": tenant["csrf"], "property": PROPERTY}, files=files)
    assert done.status_code == 303 and done.headers["location"].endswith("?done=connected")
    stored = _stored(runtime, site)
    assert (
        stored is not None and stored.auth_kind == "service_account" and "PRIVATE KEY" not in stored.credential_secret
    )

    with runtime.database.connection() as conn:  # what maintenance leaves: inspections spent, a synced day
        for _ in range(3):
            spend_quota(conn, prop=PROPERTY, day=quota_day(datetime.now(UTC)))
        repo.replace_days(conn, site_id=site, days=[date(2026, 11, 30)], rows=[])
    page = web.get(_page(site))
    assert "service account" in page.text and re.search(r'id="gsc-quota">3 of 2000<', page.text)
    assert re.search(r'id="gsc-sync">\d{4}-\d\d-\d\d \d\d:\d\d UTC \(data up to 2026-11-30\)', page.text)

    with runtime.database.connection() as conn:
        repo.mark_reconnect(conn, site_id=site, detail="invalid_grant: account not found")
    page = web.get(_page(site))
    assert (
        'data-state="reconnect"' in page.text and "Reconnect needed" in page.text and "account not found" in page.text
    )

    no_csrf = web.post(_page(site) + "/disconnect", data={})
    assert no_csrf.status_code == 403 and _stored(runtime, site) is not None
    gone = web.post(_page(site) + "/disconnect", data={"csrf_token": tenant["csrf"]})
    assert gone.headers["location"].endswith("?done=disconnected") and _stored(runtime, site) is None
    assert 'data-state="not_connected"' in web.get(gone.headers["location"]).text


class _ConsentScreen(BaseHTTPRequestHandler):
    """Google's consent screen as a page of its own (another site than the web app): an "Allow" link to the
    local server's authorisation endpoint with the same query, which redirects back to the web app."""

    target = ""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return

    def do_GET(self) -> None:
        allow = html.escape(self.target + "?" + urlsplit(self.path).query)
        body = f'<!doctype html><title>Consent</title><a href="{allow}">Allow</a>'.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def _consent_screen(google: GoogleServer) -> Iterator[str]:
    handler = type("Consent", (_ConsentScreen,), {"target": google.auth_url})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/consent"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.browser
@pytest.mark.slow
def test_the_consent_round_trip_in_chromium(runtime: Services, google: GoogleServer, tmp_path: Path) -> None:
    """A real browser: Google's redirect back is cross-site (the app at localhost, Google at 127.0.0.1), so the
    SameSite=Strict cookie is only sent after the page's own reload, and the site ends up connected."""
    sync_api = pytest.importorskip("playwright.sync_api")
    chromium_path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium_path).exists():
        pytest.skip("Debian's chromium is not installed (make browser-deps)")
    tenant = new_account(runtime, "gsc-browser", with_site=True)
    with _consent_screen(google) as consent, LiveServer(runtime) as live, sync_api.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=chromium_path, args=["--no-sandbox"], headless=True)
        try:
            context = chromium.new_context(base_url=f"http://localhost:{live.port}")
            page = context.new_page()
            errors: list[str] = []
            visited: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("request", lambda r: visited.append(r.url))
            page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
            page.goto("/sign-in")
            page.get_by_label("Account key").fill(tenant["key"])
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url("**/app")
            page.goto(f"/app/sites/{tenant['site']}")
            page.get_by_role("link", name="Search Console").click()
            page.get_by_label("Property").first.fill(PROPERTY)
            page.get_by_label("OAuth client file").set_input_files(
                {
                    "name": "client_secret.json",
                    "mimeType": "application/json",
                    "buffer": _client_json(google, auth_uri=consent),
                }
            )
            page.get_by_role("button", name="Continue to Google").click()
            page.get_by_role("link", name="Allow").click()  # on Google's own (cross-site) page
            page.wait_for_url("**/search-console?done=connected")
            assert f"Connected to {PROPERTY}" in page.locator("#gsc-state").inner_text()
            assert any(url.startswith(consent + "?") for url in visited) and any(
                url.startswith(google.auth_url) for url in visited
            )
            assert any("/callback?" in url and "resumed=1" in url for url in visited)  # the reload that has the cookie
            assert not errors, errors
            screens = Path(os.environ.get("IGNY8_WEB_SCREENS") or tmp_path)
            page.screenshot(path=screens / "search-console-desktop.png", full_page=True)
        finally:
            chromium.close()
    stored = _stored(runtime, tenant["site"])
    assert stored is not None and stored.auth_kind == "installed_app"
