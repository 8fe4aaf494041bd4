"""The web app's sign-in sessions: a random token (its SHA-256 stored), the session's CSRF token, and the
account key it signed in with, sealed by the caller with the secret box."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

import psycopg


@dataclass(frozen=True, slots=True)
class WebSession:
    id: int
    account_id: int
    api_key_id: int
    sealed_key: str
    csrf_token: str


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_web_session(
    conn: psycopg.Connection,
    *,
    token: str,
    account_id: int,
    api_key_id: int,
    sealed_key: str,
    csrf_token: str,
    lifetime: timedelta,
) -> None:
    conn.execute("DELETE FROM web_sessions WHERE expires_at < now()")
    conn.execute(
        "INSERT INTO web_sessions (token_hash, account_id, api_key_id, sealed_key, csrf_token, expires_at)"
        " VALUES (%s, %s, %s, %s, %s, now() + %s)",
        (_hash(token), account_id, api_key_id, sealed_key, csrf_token, lifetime),
    )


def find_web_session(conn: psycopg.Connection, *, token: str | None) -> WebSession | None:
    """The live session of this token; None when it is unknown, expired, or its key was revoked."""
    if not token or len(token) > 200:
        return None
    row = conn.execute(
        "SELECT w.id, w.account_id, w.api_key_id, w.sealed_key, w.csrf_token FROM web_sessions w"
        " JOIN api_keys k ON k.id = w.api_key_id"
        " WHERE w.token_hash = %s AND w.expires_at > now() AND k.revoked_at IS NULL",
        (_hash(token),),
    ).fetchone()
    if row is None:
        return None
    return WebSession(row["id"], row["account_id"], row["api_key_id"], row["sealed_key"], row["csrf_token"])


def close_web_session(conn: psycopg.Connection, *, token: str) -> None:
    conn.execute("DELETE FROM web_sessions WHERE token_hash = %s", (_hash(token),))
