"""Installed-app authorisations in flight from the web app (gsc_oauth_pending): saved when the browser is sent
to Google's consent screen, taken exactly once by the callback. The state is stored as its SHA-256; the
client and PKCE verifier arrive sealed by the caller."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

import psycopg


@dataclass(frozen=True, slots=True)
class PendingAuthorisation:
    account_id: int
    site_id: int
    property: str
    sealed_client: str
    sealed_verifier: str
    redirect_uri: str
    expired: bool


def _hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def save_pending(
    conn: psycopg.Connection,
    *,
    state: str,
    web_session_id: int,
    account_id: int,
    site_id: int,
    prop: str,
    sealed_client: str,
    sealed_verifier: str,
    redirect_uri: str,
    lifetime: timedelta,
) -> None:
    """Remember an authorisation (and forget the session's older ones for the site, and any long expired)."""
    conn.execute("DELETE FROM gsc_oauth_pending WHERE expires_at < now() - interval '1 day'")
    conn.execute("DELETE FROM gsc_oauth_pending WHERE web_session_id = %s AND site_id = %s", (web_session_id, site_id))
    conn.execute(
        "INSERT INTO gsc_oauth_pending (state_hash, web_session_id, account_id, site_id, property, sealed_client,"
        " sealed_verifier, redirect_uri, expires_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, now() + %s)",
        (
            _hash(state),
            web_session_id,
            account_id,
            site_id,
            prop,
            sealed_client,
            sealed_verifier,
            redirect_uri,
            lifetime,
        ),
    )


def take_pending(conn: psycopg.Connection, *, state: str, web_session_id: int) -> PendingAuthorisation | None:
    """The authorisation this session started with ``state``, removed so it cannot be used twice; None when
    there is none (unknown state, another session's, or already used). ``expired`` tells a late one."""
    if not state or len(state) > 200:
        return None
    row = conn.execute(
        "DELETE FROM gsc_oauth_pending WHERE state_hash = %s AND web_session_id = %s RETURNING account_id, site_id,"
        " property, sealed_client, sealed_verifier, redirect_uri, expires_at <= now() AS expired",
        (_hash(state), web_session_id),
    ).fetchone()
    return PendingAuthorisation(**row) if row else None
