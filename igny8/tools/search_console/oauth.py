"""OAuth 2.0 against Google's token endpoint: the installed-app flow (authorisation URL with PKCE, code
exchanged for tokens), refresh tokens, and the service-account JWT grant (RFC 7523, signed with RS256).

``AccessTokens`` hands out a bearer token and fetches a new one shortly before the old one expires."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt

from igny8.tools.search_console.credentials import SCOPE, InstalledClient, ServiceAccountKey
from igny8.tools.search_console.errors import BadRequest, ServiceUnavailable, raise_for_token_error

JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
REFRESH_MARGIN_S = 300.0  # a token is renewed when it has less than this left


@dataclass(frozen=True, slots=True)
class AuthorisationRequest:
    url: str
    state: str
    code_verifier: str
    redirect_uri: str


@dataclass(frozen=True, slots=True)
class TokenGrant:
    access_token: str
    expires_at: float  # time.time() seconds
    refresh_token: str | None


def authorisation_request(client: InstalledClient, *, redirect_uri: str) -> AuthorisationRequest:
    """The URL the site owner opens to grant read access to Search Console (offline: a refresh token comes back)."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    state = secrets.token_urlsafe(16)
    query = urlencode(
        {
            "client_id": client.client_id,
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "scope": SCOPE,
            "access_type": "offline",
            "prompt": "consent",
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    return AuthorisationRequest(f"{client.auth_uri}?{query}", state, verifier, redirect_uri)


def _post_token(http: httpx.Client, token_url: str, form: dict[str, str]) -> TokenGrant:
    try:
        response = http.post(token_url, data=form, headers={"Accept": "application/json"})
    except httpx.TimeoutException as exc:
        raise ServiceUnavailable("Google's token endpoint did not answer in time") from exc
    except httpx.TransportError as exc:
        raise ServiceUnavailable(f"cannot reach Google's token endpoint at {token_url}") from exc
    raise_for_token_error(response)
    try:
        body: Any = response.json()
        access = body["access_token"]
        expires_in = float(body.get("expires_in", 3600))
    except (ValueError, KeyError, TypeError) as exc:
        raise BadRequest("Google's token endpoint answered without an access token") from exc
    if not isinstance(access, str) or not access:
        raise BadRequest("Google's token endpoint answered without an access token")
    refresh = body.get("refresh_token")
    return TokenGrant(access, time.time() + max(0.0, expires_in), refresh if isinstance(refresh, str) else None)


def exchange_code(
    http: httpx.Client, token_url: str, client: InstalledClient, *, code: str, request: AuthorisationRequest
) -> TokenGrant:
    grant = _post_token(
        http,
        token_url,
        {
            "grant_type": "authorization_code",
            "code": code,
            "client_id": client.client_id,
            "client_secret": client.client_secret,
            "redirect_uri": request.redirect_uri,
            "code_verifier": request.code_verifier,
        },
    )
    if grant.refresh_token is None:
        raise BadRequest(
            "Google granted access without a refresh token: revoke IGNY8's access in your Google account and "
            "connect again"
        )
    return grant


def refresh_access_token(
    http: httpx.Client, token_url: str, *, client_id: str, client_secret: str, refresh_token: str
) -> TokenGrant:
    return _post_token(
        http,
        token_url,
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": client_id,
            "client_secret": client_secret,
        },
    )


def service_account_token(http: httpx.Client, token_url: str, key: ServiceAccountKey) -> TokenGrant:
    """The JWT grant: a one-hour assertion signed with the service account's key, exchanged for a token."""
    now = int(time.time())
    headers = {"kid": key.private_key_id} if key.private_key_id else None
    assertion = jwt.encode(
        {"iss": key.client_email, "scope": SCOPE, "aud": token_url, "iat": now, "exp": now + 3600},
        key.private_key,
        algorithm="RS256",
        headers=headers,
    )
    return _post_token(http, token_url, {"grant_type": JWT_GRANT, "assertion": assertion})


class AccessTokens:
    """A bearer token that is renewed before it expires (thread-safe); ``fetch`` gets a fresh grant."""

    def __init__(self, fetch: Callable[[], TokenGrant], clock: Callable[[], float] = time.time) -> None:
        self._fetch = fetch
        self._clock = clock
        self._grant: TokenGrant | None = None
        self._lock = threading.Lock()
        self.fetches = 0

    def token(self) -> str:
        with self._lock:
            if self._grant is None or self._grant.expires_at - self._clock() < REFRESH_MARGIN_S:
                self._grant = self._fetch()
                self.fetches += 1
            return self._grant.access_token

    def invalidate(self) -> None:
        with self._lock:
            self._grant = None
