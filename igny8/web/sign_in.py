"""Web sign-in: an account key exchanged for an HttpOnly session cookie, and the CSRF checks.

Before sign-in a random token sits in a short-lived cookie and in the form (double submit); after sign-in
every form and every script request carries the session's own CSRF token (a form field or the
``X-CSRF-Token`` header), compared in constant time.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from starlette.requests import HTTPConnection
from starlette.responses import Response

from igny8.config import Settings
from igny8.memory.api_keys import authenticate
from igny8.memory.database import Database
from igny8.memory.secret_box import secret_box_for
from igny8.memory.web_sessions import WebSession, close_web_session, find_web_session, open_web_session

SESSION_COOKIE = "igny8_session"
SIGN_IN_CSRF_COOKIE = "igny8_sign_in_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"


class SignInRefused(ValueError):
    """The key cannot sign in; the message says why and what to do."""


def tokens_match(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))


def new_sign_in_csrf() -> str:
    return secrets.token_urlsafe(24)


def sign_in(database: Database, settings: Settings, account_key: str) -> str:
    """Open a session for an account key; returns the cookie's token. Site keys are refused: the web app
    manages an account's sites."""
    account_key = account_key.strip()
    with database.connection() as conn:
        principal = authenticate(conn, account_key)
        if principal is None:
            raise SignInRefused("that account key is not valid (wrong, revoked or mistyped): paste the whole key")
        if principal.site_id is not None:
            raise SignInRefused("that is a site key (the WordPress plugin's); sign in with your account key")
        token = secrets.token_urlsafe(32)
        open_web_session(
            conn,
            token=token,
            account_id=principal.account_id,
            api_key_id=principal.key_id,
            sealed_key=secret_box_for(settings).seal(account_key),
            csrf_token=secrets.token_urlsafe(24),
            lifetime=timedelta(hours=settings.web_session_hours),
        )
    return token


def current_session(database: Database, connection: HTTPConnection) -> WebSession | None:
    token = connection.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    with database.connection() as conn:
        return find_web_session(conn, token=token)


def session_key(settings: Settings, session: WebSession) -> str:
    """The account key the session signed in with (sent to the API on the browser's behalf)."""
    return secret_box_for(settings).open(session.sealed_key, what="the web session's key")


def sign_out(database: Database, connection: HTTPConnection) -> None:
    token = connection.cookies.get(SESSION_COOKIE)
    if token:
        with database.connection() as conn:
            close_web_session(conn, token=token)


def set_cookie(response: Response, settings: Settings, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=settings.environment == "production",
        path="/",
    )
