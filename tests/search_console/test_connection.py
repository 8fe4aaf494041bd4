"""Connecting a site: the installed-app flow (consent URL → loopback redirect → code exchanged with PKCE),
the service-account JWT grant, tokens renewed before expiry, and a revoked grant turned into a 'reconnect'
state that later runs refuse at once. All through the production client against the local Google server."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from igny8.config import Settings
from igny8.memory import search_console_repo as repo
from igny8.memory.database import Database
from igny8.memory.secret_box import SecretBox
from igny8.tools.search_console.credentials import CredentialFileError
from igny8.tools.search_console.errors import BadRequest, ReconnectNeeded
from igny8.tools.search_console.oauth import AccessTokens, TokenGrant
from igny8.workflows.search_console_connect import (
    NotConnected,
    check_property,
    connect_installed_app,
    connect_service_account,
    open_search_console,
)
from igny8.workflows.search_console_sync import sync_search_analytics
from tests.search_console.conftest import PROPERTY
from tests.search_console.google_server import GoogleServer


def _consent_in_browser(url: str) -> None:
    """What the site owner's browser does: open the URL, consent, follow Google's redirect to 127.0.0.1."""
    answer = httpx.get(url, follow_redirects=True, timeout=10)
    assert answer.status_code == 200 and "connected" in answer.text


def _connect_in_browser(database, settings, secrets, site, client_file) -> None:  # type: ignore[no-untyped-def]
    account, site_id = site
    connect_installed_app(
        database,
        settings,
        secrets,
        account_id=account,
        site_id=site_id,
        prop=PROPERTY,
        client_file=client_file,
        show_url=_consent_in_browser,
        timeout_s=10,
    )


def test_installed_app_flow_stores_a_sealed_refresh_token(
    database: Database, gsc_settings: Settings, secrets: SecretBox, site, client_file: Path, google: GoogleServer
) -> None:
    account, site_id = site
    shown: list[str] = []
    connect_installed_app(
        database,
        gsc_settings,
        secrets,
        account_id=account,
        site_id=site_id,
        prop=PROPERTY,
        client_file=client_file,
        show_url=lambda url: (shown.append(url), _consent_in_browser(url)),
        timeout_s=10,
    )
    assert shown[0].startswith(google.auth_url) and "code_challenge_method=S256" in shown[0]
    assert "access_type=offline" in shown[0] and "webmasters.readonly" in shown[0]
    exchange = next(r for r in google.state.token_requests if r["grant_type"] == "authorization_code")
    assert exchange["redirect_uri"].startswith("http://127.0.0.1:") and exchange["code_verifier"]
    with database.connection() as conn:
        stored = repo.get_connection(conn, site_id=site_id)
    assert stored is not None and stored.state == "connected" and stored.auth_kind == "installed_app"
    refresh_token = next(iter(google.state.refresh_tokens))
    assert refresh_token not in stored.credential_secret and stored.credential_secret.startswith("fernet:")
    assert json.loads(secrets.open(stored.credential_secret))["refresh_token"] == refresh_token

    # A later run gets its access token from the stored refresh token.
    with open_search_console(database, gsc_settings, secrets, site_id=site_id) as session:
        session.client.inspect(PROPERTY, "https://brightsmile.example/veneers/")
    assert google.state.token_requests[-1]["grant_type"] == "refresh_token"


def test_service_account_jwt_grant(
    database: Database,
    gsc_settings: Settings,
    secrets: SecretBox,
    site,
    service_account_file: Path,
    google: GoogleServer,
) -> None:
    account, site_id = site
    email = connect_service_account(
        database,
        gsc_settings,
        secrets,
        account_id=account,
        site_id=site_id,
        prop=PROPERTY,
        key_file=service_account_file,
    )
    assert email == google.state.service_account_email
    grant = google.state.token_requests[-1]
    assert grant["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"
    with open_search_console(database, gsc_settings, secrets, site_id=site_id) as session:
        assert session.client.inspect(PROPERTY, "https://brightsmile.example/").indexed


def test_a_property_the_credential_cannot_read_is_refused_and_nothing_is_stored(
    database: Database, gsc_settings: Settings, secrets: SecretBox, site, service_account_file: Path
) -> None:
    account, site_id = site
    with pytest.raises(BadRequest, match="403.*sufficient permission"):
        connect_service_account(
            database,
            gsc_settings,
            secrets,
            account_id=account,
            site_id=site_id,
            prop="sc-domain:someone-else.example",
            key_file=service_account_file,
        )
    with database.connection() as conn:
        assert repo.get_connection(conn, site_id=site_id) is None
    with pytest.raises(NotConnected, match="igny8 gsc connect"):
        with open_search_console(database, gsc_settings, secrets, site_id=site_id):
            pass


@pytest.mark.parametrize(
    "prop", ["example.com", "sc-domain:", "https://example.com", "ftp://example.com/", "sc-domain:a b.com"]
)
def test_properties_are_checked(prop: str) -> None:
    with pytest.raises(ValueError, match="not a Search Console property"):
        check_property(prop)
    assert check_property(" SC-DOMAIN:Example.com ") == "sc-domain:example.com"
    assert check_property("https://www.example.com/blog/") == "https://www.example.com/blog/"


def test_credential_files_are_checked(tmp_path: Path) -> None:
    from igny8.tools.search_console.credentials import load_installed_client, load_service_account

    web = tmp_path / "web.json"
    web.write_text(json.dumps({"web": {"client_id": "x", "client_secret": "y"}}))
    with pytest.raises(CredentialFileError, match="web application client.*Desktop app"):
        load_installed_client(web)
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(CredentialFileError, match="not JSON"):
        load_service_account(broken)
    bad_key = tmp_path / "bad_key.json"
    bad_key.write_text(json.dumps({"type": "service_account", "client_email": "a@b.c", "private_key": "x" * 200}))
    with pytest.raises(CredentialFileError, match="private_key is not a PEM private key"):
        load_service_account(bad_key)
    with pytest.raises(CredentialFileError, match="cannot read"):
        load_service_account(tmp_path / "missing.json")


def test_access_tokens_are_renewed_before_they_expire() -> None:
    now = [1_000.0]
    grants = iter(TokenGrant(f"t{n}", now[0] + 3600 * (n + 1), None) for n in range(3))
    tokens = AccessTokens(lambda: next(grants), clock=lambda: now[0])
    assert tokens.token() == "t0" and tokens.token() == "t0"
    now[0] += 3600 - 200  # inside the 5-minute margin before expiry
    assert tokens.token() == "t1" and tokens.fetches == 2


def test_a_revoked_grant_becomes_reconnect_not_a_crash_loop(
    database: Database, gsc_settings: Settings, secrets: SecretBox, site, client_file: Path, google: GoogleServer
) -> None:
    account, site_id = site
    _connect_in_browser(database, gsc_settings, secrets, site, client_file)
    google.state.revoke_all()
    with pytest.raises(ReconnectNeeded, match="igny8 gsc connect --site"):
        with open_search_console(database, gsc_settings, secrets, site_id=site_id) as session:
            sync_search_analytics(database, session, days=3, settle_days=2, row_limit=100)
    with database.connection() as conn:
        stored = repo.get_connection(conn, site_id=site_id)
    assert stored is not None and stored.state == "reconnect" and "invalid_grant" in (stored.state_detail or "")
    calls = len(google.state.token_requests)
    with pytest.raises(ReconnectNeeded, match="again"):
        with open_search_console(database, gsc_settings, secrets, site_id=site_id):
            pass
    assert len(google.state.token_requests) == calls, "a connection in 'reconnect' does not retry the dead grant"
    # Connecting again clears the state.
    _connect_in_browser(database, gsc_settings, secrets, site, client_file)
    with database.connection() as conn:
        assert repo.get_connection(conn, site_id=site_id).state == "connected"
