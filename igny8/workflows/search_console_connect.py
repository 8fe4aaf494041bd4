"""Connecting a site to a Search Console property, and opening the connected client.

Two ways in: the installed-app flow (the authorisation URL is shown, Google redirects to a listener on
127.0.0.1, the code is exchanged for a refresh token) and a service account's key (the JWT grant). Either
way the credential is sealed with IGNY8_SECRET_KEY and access to the property is checked before it is
saved. A grant that Google no longer accepts turns the connection's state to ``reconnect``: later runs
refuse at once with the command to run, instead of retrying a dead credential."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from igny8.config import Settings
from igny8.memory import search_console_repo as repo
from igny8.memory.database import Database
from igny8.memory.secret_box import SecretBox
from igny8.memory.tenancy import get_site
from igny8.tools.search_console.api_client import Backoff, SearchConsoleClient
from igny8.tools.search_console.credentials import (
    InstalledClient,
    ServiceAccountKey,
    load_installed_client,
    load_service_account,
)
from igny8.tools.search_console.errors import ReconnectNeeded, SearchConsoleError
from igny8.tools.search_console.loopback import LoopbackReceiver
from igny8.tools.search_console.oauth import (
    AccessTokens,
    AuthorisationRequest,
    TokenGrant,
    authorisation_request,
    exchange_code,
    refresh_access_token,
    service_account_token,
)

_DOMAIN_PROPERTY = re.compile(r"^sc-domain:([a-z0-9-]{1,63}\.)+[a-z]{2,63}$")
_PREFIX_PROPERTY = re.compile(r"^https?://[a-z0-9.-]+(:\d{1,5})?/[^\s]*$")


class NotConnected(LookupError):
    """The site has no Search Console connection."""


def check_property(prop: str) -> str:
    """A Search Console property: ``sc-domain:example.com`` or a URL prefix such as ``https://example.com/``."""
    value = prop.strip()
    if value.lower().startswith("sc-domain:"):
        value = value.lower()
        if _DOMAIN_PROPERTY.match(value):
            return value
    elif _PREFIX_PROPERTY.match(value.lower()) and value.endswith("/"):
        return value
    raise ValueError(
        f"{prop!r} is not a Search Console property: use sc-domain:example.com for a domain property, or the "
        "URL prefix exactly as Search Console shows it, ending with a slash (https://www.example.com/)"
    )


@dataclass(frozen=True, slots=True)
class GscSession:
    site_id: int
    prop: str
    client: SearchConsoleClient


def _client(
    settings: Settings, tokens: AccessTokens, http: httpx.Client, sleep: Callable[[float], None]
) -> SearchConsoleClient:
    backoff = Backoff(attempts=settings.gsc_retry_attempts, base_s=settings.gsc_backoff_base_s, sleep=sleep)
    return SearchConsoleClient(api_base=settings.gsc_api_base, tokens=tokens, http=http, backoff=backoff)


def _check_access(client: SearchConsoleClient, prop: str) -> None:
    """One one-row analytics request: Google answers 403 when the credential may not read the property."""
    day = datetime.now(UTC).date() - timedelta(days=3)
    next(iter(client.search_analytics(prop, start=day, end=day, row_limit=1)), None)


def _save(
    database: Database,
    secrets: SecretBox,
    *,
    account_id: int,
    site_id: int,
    prop: str,
    kind: str,
    credential: dict[str, Any],
) -> None:
    with database.connection() as conn:
        get_site(conn, account_id=account_id, site_id=site_id)
        repo.upsert_connection(
            conn, site_id=site_id, prop=prop, auth_kind=kind, sealed_credential=secrets.seal(json.dumps(credential))
        )


def connect_installed_app(
    database: Database,
    settings: Settings,
    secrets: SecretBox,
    *,
    account_id: int,
    site_id: int,
    prop: str,
    client_file: Path,
    show_url: Callable[[str], None],
    timeout_s: float = 300.0,
) -> None:
    """Show the consent URL, wait for Google's redirect on 127.0.0.1, exchange the code, check and save."""
    prop = check_property(prop)
    client_info = load_installed_client(client_file)
    with database.connection() as conn:
        get_site(conn, account_id=account_id, site_id=site_id)
    with LoopbackReceiver() as receiver:
        request = authorisation_request(client_info, redirect_uri=receiver.redirect_uri)
        receiver.expect(request.state)
        show_url(request.url)
        code = receiver.wait_for_code(state=request.state, timeout_s=timeout_s)
    complete_installed_app(
        database,
        settings,
        secrets,
        account_id=account_id,
        site_id=site_id,
        prop=prop,
        client_info=client_info,
        code=code,
        request=request,
    )


def complete_installed_app(
    database: Database,
    settings: Settings,
    secrets: SecretBox,
    *,
    account_id: int,
    site_id: int,
    prop: str,
    client_info: InstalledClient,
    code: str,
    request: AuthorisationRequest,
) -> None:
    """Google's answer to ``request``: exchange the code (PKCE), check the property may be read, then save.
    Nothing is saved when any step fails."""
    with httpx.Client(timeout=settings.gsc_timeout_s) as http:
        grant = exchange_code(http, settings.gsc_token_url, client_info, code=code, request=request)
        tokens = AccessTokens(lambda: grant)
        _check_access(_client(settings, tokens, http, time.sleep), prop)
    credential = {
        "client_id": client_info.client_id,
        "client_secret": client_info.client_secret,
        "refresh_token": grant.refresh_token,
    }
    _save(
        database,
        secrets,
        account_id=account_id,
        site_id=site_id,
        prop=prop,
        kind="installed_app",
        credential=credential,
    )


def connect_service_account(
    database: Database,
    settings: Settings,
    secrets: SecretBox,
    *,
    account_id: int,
    site_id: int,
    prop: str,
    key_file: Path,
) -> str:
    """Check the key gets a token and may read the property, then save it; returns the account's e-mail."""
    return connect_service_account_key(
        database,
        settings,
        secrets,
        account_id=account_id,
        site_id=site_id,
        prop=prop,
        key=load_service_account(key_file),
    )


def connect_service_account_key(
    database: Database,
    settings: Settings,
    secrets: SecretBox,
    *,
    account_id: int,
    site_id: int,
    prop: str,
    key: ServiceAccountKey,
) -> str:
    """``connect_service_account`` for a key already read (the web app's upload)."""
    prop = check_property(prop)
    with database.connection() as conn:
        get_site(conn, account_id=account_id, site_id=site_id)
    with httpx.Client(timeout=settings.gsc_timeout_s) as http:
        tokens = AccessTokens(lambda: service_account_token(http, settings.gsc_token_url, key))
        _check_access(_client(settings, tokens, http, time.sleep), prop)
    _save(
        database,
        secrets,
        account_id=account_id,
        site_id=site_id,
        prop=prop,
        kind="service_account",
        credential=key.model_dump(),
    )
    return key.client_email


def _token_fetcher(
    settings: Settings, http: httpx.Client, kind: str, credential: dict[str, Any]
) -> Callable[[], TokenGrant]:
    if kind == "service_account":
        key = ServiceAccountKey.model_validate(credential)
        return lambda: service_account_token(http, settings.gsc_token_url, key)
    return lambda: refresh_access_token(
        http,
        settings.gsc_token_url,
        client_id=credential["client_id"],
        client_secret=credential["client_secret"],
        refresh_token=credential["refresh_token"],
    )


@contextmanager
def open_search_console(
    database: Database,
    settings: Settings,
    secrets: SecretBox,
    *,
    site_id: int,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[GscSession]:
    """The site's connected client. A refused grant marks the connection ``reconnect`` and is raised."""
    with database.connection() as conn:
        stored = repo.get_connection(conn, site_id=site_id)
    if stored is None:
        raise NotConnected(
            f"site {site_id} is not connected to Search Console: run `igny8 gsc connect --site {site_id} "
            "--property P --client-secrets FILE` (or --service-account FILE), or connect on the web app's page "
            f"/app/sites/{site_id}/search-console"
        )
    if stored.state == "reconnect":
        raise ReconnectNeeded(
            f"site {site_id}'s Search Console access was refused ({stored.state_detail or 'grant revoked'}): "
            f"run `igny8 gsc connect --site {site_id} --property {stored.property} ...` again (or connect on the "
            f"web app's page /app/sites/{site_id}/search-console)"
        )
    credential = json.loads(secrets.open(stored.credential_secret, what="the Search Console credential"))
    with httpx.Client(timeout=settings.gsc_timeout_s) as http:
        tokens = AccessTokens(_token_fetcher(settings, http, stored.auth_kind, credential))
        try:
            yield GscSession(site_id, stored.property, _client(settings, tokens, http, sleep))
        except ReconnectNeeded as exc:
            with database.connection() as conn:
                repo.mark_reconnect(conn, site_id=site_id, detail=str(exc))
            raise ReconnectNeeded(
                f"Google refused site {site_id}'s Search Console access ({exc}): run `igny8 gsc connect --site "
                f"{site_id} --property {stored.property} ...` again",
                status=exc.status,
                reason=exc.reason,
            ) from exc


__all__ = [
    "GscSession",
    "NotConnected",
    "SearchConsoleError",
    "check_property",
    "complete_installed_app",
    "connect_installed_app",
    "connect_service_account",
    "connect_service_account_key",
    "open_search_console",
]
