"""Connecting a site to Search Console from the web app: the installed-app flow with the web app's own
callback as the redirect, and what the page shows of a connection.

``start_authorisation`` validates the property and the OAuth client file, builds Google's consent URL with
the same PKCE code as the CLI and keeps the request in PostgreSQL (state bound to the web session, single
use, expiring; the client and verifier sealed). ``finish_authorisation`` takes it back once, turns a refusal
or a stale state into a message, and exchanges the code, checks the property and saves exactly like the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from igny8.config import Settings
from igny8.memory import search_console_repo as repo
from igny8.memory import search_console_web_repo as pending_repo
from igny8.memory.database import Database
from igny8.memory.gsc_inspection_repo import quota_used
from igny8.memory.secret_box import SecretBox
from igny8.memory.tenancy import get_site
from igny8.tools.search_console.credentials import CredentialFileError, InstalledClient, parse_installed_client
from igny8.tools.search_console.oauth import AuthorisationRequest, authorisation_request
from igny8.tools.search_console.quota import quota_day
from igny8.workflows.search_console_connect import check_property, complete_installed_app

PENDING_LIFETIME = timedelta(minutes=15)


class AuthorisationRefused(ValueError):
    """The consent answer cannot be used; the message says what happened and what to do."""


@dataclass(frozen=True, slots=True)
class WebSessionRef:
    """Who is connecting: the signed-in web session and its account."""

    session_id: int
    account_id: int


def _checked_client(client_json: str, source: str) -> InstalledClient:
    client = parse_installed_client(client_json, source)
    if urlsplit(client.auth_uri).scheme not in ("https", "http"):
        raise CredentialFileError(f"{source}: auth_uri must be an https:// address (Google's consent screen)")
    return client


def start_authorisation(
    database: Database,
    secrets: SecretBox,
    who: WebSessionRef,
    *,
    site_id: int,
    prop: str,
    client_json: str,
    source: str,
    redirect_uri: str,
) -> str:
    """Google's consent URL for this site; the request waits in PostgreSQL for the callback."""
    prop = check_property(prop)
    client = _checked_client(client_json, source)
    request = authorisation_request(client, redirect_uri=redirect_uri)
    with database.connection() as conn:
        get_site(conn, account_id=who.account_id, site_id=site_id)
        pending_repo.save_pending(
            conn,
            state=request.state,
            web_session_id=who.session_id,
            account_id=who.account_id,
            site_id=site_id,
            prop=prop,
            sealed_client=secrets.seal(client.model_dump_json()),
            sealed_verifier=secrets.seal(request.code_verifier),
            redirect_uri=redirect_uri,
            lifetime=PENDING_LIFETIME,
        )
    return request.url


def finish_authorisation(
    database: Database,
    settings: Settings,
    secrets: SecretBox,
    who: WebSessionRef,
    *,
    site_id: int,
    query: dict[str, str],
) -> str:
    """Google's redirect (``code`` and ``state``, or ``error``): the connected property, or AuthorisationRefused."""
    with database.connection() as conn:
        pending = pending_repo.take_pending(conn, state=query.get("state", ""), web_session_id=who.session_id)
    if pending is None or pending.site_id != site_id or pending.account_id != who.account_id:
        raise AuthorisationRefused(
            "this answer from Google does not match a connection started here (unknown or already used state): "
            "start the connection again"
        )
    if pending.expired:
        raise AuthorisationRefused(
            f"the connection was started more than {PENDING_LIFETIME.seconds // 60} minutes ago and has expired: "
            "start it again"
        )
    if "error" in query:
        reason = query["error"][:100]
        hint = " (you chose not to allow access)" if reason == "access_denied" else ""
        raise AuthorisationRefused(f"Google did not grant access: {reason}{hint}. Nothing was changed.")
    code = query.get("code", "")
    if not code or len(code) > 2000:
        raise AuthorisationRefused("Google's answer carries no authorisation code: start the connection again")
    client = InstalledClient.model_validate_json(secrets.open(pending.sealed_client, what="the pending OAuth client"))
    request = AuthorisationRequest(
        url="",
        state=query["state"],
        code_verifier=secrets.open(pending.sealed_verifier, what="the pending PKCE verifier"),
        redirect_uri=pending.redirect_uri,
    )
    complete_installed_app(
        database,
        settings,
        secrets,
        account_id=who.account_id,
        site_id=site_id,
        prop=pending.property,
        client_info=client,
        code=code,
        request=request,
    )
    return pending.property


def connection_panel(
    database: Database, settings: Settings, *, account_id: int, site_id: int, now: datetime | None = None
) -> dict[str, Any]:
    """What the Search Console page shows: the site, the connection's state, today's inspection quota, the
    last sync. Never the credential."""
    day = quota_day(now or datetime.now(UTC))
    with database.connection() as conn:
        site = get_site(conn, account_id=account_id, site_id=site_id)
        overview = repo.connection_overview(conn, site_id=site_id)
        used = quota_used(conn, prop=overview["property"], day=day) if overview else 0
    if overview is None:
        state = "not_connected"
    else:
        state = "reconnect" if overview["state"] == "reconnect" else "connected"
        for key in ("since", "last_synced_at"):  # shown as UTC, whatever the database session's zone
            overview[key] = overview[key].astimezone(UTC) if overview[key] else None
    return {
        "site": site,
        "state": state,
        "connection": overview,
        "quota": {"day": day, "used": used, "limit": settings.gsc_inspection_daily_limit},
    }


def disconnect(database: Database, *, account_id: int, site_id: int) -> bool:
    with database.connection() as conn:
        get_site(conn, account_id=account_id, site_id=site_id)
        return repo.delete_connection(conn, site_id=site_id)


__all__ = [
    "AuthorisationRefused",
    "WebSessionRef",
    "connection_panel",
    "disconnect",
    "finish_authorisation",
    "start_authorisation",
]
