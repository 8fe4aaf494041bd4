"""A local stand-in for Google on 127.0.0.1 that speaks the real shapes: the OAuth consent redirect and token
endpoint (authorization_code with PKCE, refresh_token, the service-account JWT grant, ``invalid_grant``), the
Search Console ``searchAnalytics.query`` (rowLimit/startRow paging, 25,000-row ceiling, rows sorted by clicks)
and ``urlInspection/index:inspect`` (daily quota → 429 RESOURCE_EXHAUSTED), Google's JSON error bodies, and
an IndexNow endpoint. Tests script it: rows, index states, revoked grants, and storms of 429 or 5xx."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

import jwt

INSPECTION_DAILY_QUOTA = 2000


def _error(code: int, status: str, message: str, reason: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"code": code, "message": message, "status": status}
    if reason:
        body["errors"] = [{"message": message, "domain": "usageLimits" if code == 429 else "global", "reason": reason}]
    return {"error": body}


@dataclass
class GoogleState:
    client_id: str = "igny8-test.apps.googleusercontent.com"
    client_secret: str = "test-client-secret"
    service_account_email: str = "igny8@test-project.iam.gserviceaccount.com"
    service_account_public_key: Any = None
    token_lifetime_s: int = 3599
    properties: set[str] = field(default_factory=set)  # properties the grant may read
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # property → rows (keys date/page/query)
    index_states: dict[str, str] = field(default_factory=dict)  # url → verdict (default PASS)
    codes: dict[str, dict[str, str]] = field(default_factory=dict)
    refresh_tokens: set[str] = field(default_factory=set)
    access_tokens: set[str] = field(default_factory=set)
    inspections_today: dict[str, int] = field(default_factory=dict)
    inspected: list[str] = field(default_factory=list)
    analytics_requests: list[dict[str, Any]] = field(default_factory=list)
    token_requests: list[dict[str, str]] = field(default_factory=list)
    service_account_deleted: bool = False
    indexnow_requests: list[dict[str, Any]] = field(default_factory=list)
    indexnow_key: str = "0123456789abcdef0123456789abcdef"
    failures: list[tuple[int, float | None]] = field(default_factory=list)  # (status, Retry-After) for next calls
    lock: threading.Lock = field(default_factory=threading.Lock)

    def fail_next(self, count: int, status: int = 429, retry_after: float | None = None) -> None:
        with self.lock:
            self.failures.extend([(status, retry_after)] * count)

    def revoke_all(self) -> None:
        with self.lock:
            self.refresh_tokens.clear()
            self.access_tokens.clear()
            self.service_account_deleted = True

    def new_quota_day(self) -> None:
        with self.lock:
            self.inspections_today.clear()


class _Handler(BaseHTTPRequestHandler):
    server: _GoogleHTTPServer
    protocol_version = "HTTP/1.1"  # keep-alive, as Google's front ends do; every answer sets Content-Length
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the default stderr log
        return

    @property
    def state(self) -> GoogleState:
        return self.server.state

    def _send(self, status: int, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    # --- OAuth ---
    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path != "/o/oauth2/auth":
            self._send(404, _error(404, "NOT_FOUND", "not found"))
            return
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if q.get("client_id") != self.state.client_id or q.get("response_type") != "code":
            self._send(400, {"error": "invalid_request", "error_description": "Invalid client or response type"})
            return
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge") or not q.get("redirect_uri"):
            self._send(400, {"error": "invalid_request", "error_description": "PKCE and redirect_uri are required"})
            return
        code = "4/" + secrets.token_urlsafe(24)
        with self.state.lock:
            self.state.codes[code] = {"challenge": q["code_challenge"], "redirect_uri": q["redirect_uri"]}
        target = q["redirect_uri"] + "?" + urlencode({"code": code, "state": q.get("state", ""), "scope": q["scope"]})
        self.send_response(302)
        self.send_header("Location", target)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _issue(self, *, refresh: bool) -> None:
        access = "ya29." + secrets.token_urlsafe(24)
        body: dict[str, Any] = {
            "access_token": access,
            "expires_in": self.state.token_lifetime_s,
            "token_type": "Bearer",
            "scope": "https://www.googleapis.com/auth/webmasters.readonly",
        }
        with self.state.lock:
            self.state.access_tokens.add(access)
            if refresh:
                token = "1//" + secrets.token_urlsafe(24)
                self.state.refresh_tokens.add(token)
                body["refresh_token"] = token
        self._send(200, body)

    def _token(self) -> None:
        form = {k: v[0] for k, v in parse_qs(self._body().decode()).items()}
        self.state.token_requests.append(form)
        grant = form.get("grant_type")
        invalid_grant = {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}
        if grant == "urn:ietf:params:oauth:grant-type:jwt-bearer":
            try:
                claims = jwt.decode(
                    form.get("assertion", ""),
                    self.state.service_account_public_key,
                    algorithms=["RS256"],
                    audience=self.server.token_url,
                )
            except jwt.PyJWTError:
                self._send(400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."})
                return
            if self.state.service_account_deleted:
                self._send(400, {"error": "invalid_grant", "error_description": "Invalid grant: account not found"})
                return
            if claims.get("iss") != self.state.service_account_email or claims["exp"] - claims["iat"] > 3600:
                self._send(400, {"error": "invalid_grant", "error_description": "Invalid JWT: bad issuer or lifetime"})
                return
            self._issue(refresh=False)
            return
        if form.get("client_id") != self.state.client_id or form.get("client_secret") != self.state.client_secret:
            self._send(401, {"error": "invalid_client", "error_description": "The OAuth client was not found."})
            return
        if grant == "authorization_code":
            with self.state.lock:
                issued = self.state.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "").encode()
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
            if issued is None or issued["challenge"] != challenge or issued["redirect_uri"] != form.get("redirect_uri"):
                self._send(400, {"error": "invalid_grant", "error_description": "Bad Request"})
                return
            self._issue(refresh=True)
        elif grant == "refresh_token":
            if form.get("refresh_token") not in self.state.refresh_tokens:
                self._send(400, invalid_grant)
                return
            self._issue(refresh=False)
        else:
            self._send(400, {"error": "unsupported_grant_type", "error_description": "Invalid grant_type"})

    # --- Search Console ---
    def _authorised(self) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Bearer ") or header.removeprefix("Bearer ") not in self.state.access_tokens:
            self._send(
                401,
                _error(
                    401,
                    "UNAUTHENTICATED",
                    "Request had invalid authentication credentials. "
                    "Expected OAuth 2 access token, login cookie or other valid authentication credential.",
                ),
            )
            return False
        return True

    def _scripted_failure(self) -> bool:
        with self.state.lock:
            failure = self.state.failures.pop(0) if self.state.failures else None
        if failure is None:
            return False
        status, retry_after = failure
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        if status == 429:
            self._send(
                429,
                _error(
                    429,
                    "RESOURCE_EXHAUSTED",
                    "Quota exceeded for quota metric 'Queries' and limit 'Queries per minute per user'",
                    "rateLimitExceeded",
                ),
                headers,
            )
        else:
            self._send(
                status,
                _error(status, "UNAVAILABLE" if status == 503 else "INTERNAL", "The service is currently unavailable."),
                headers,
            )
        return True

    def _analytics(self, prop: str, body: dict[str, Any]) -> None:
        self.state.analytics_requests.append(body)
        if prop not in self.state.properties:
            self._send(
                403,
                _error(
                    403,
                    "PERMISSION_DENIED",
                    f"User does not have sufficient permission for site '{prop}'. "
                    "See also: https://support.google.com/webmasters/answer/2451999.",
                    "forbidden",
                ),
            )
            return
        limit, start_row = body.get("rowLimit", 1000), body.get("startRow", 0)
        if not isinstance(limit, int) or not 1 <= limit <= 25000 or not isinstance(start_row, int) or start_row < 0:
            self._send(400, _error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.", "badRequest"))
            return
        if body.get("dimensions") != ["date", "page", "query"] or "startDate" not in body or "endDate" not in body:
            self._send(400, _error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.", "badRequest"))
            return
        rows = [r for r in self.state.rows.get(prop, []) if body["startDate"] <= r["keys"][0] <= body["endDate"]]
        rows.sort(key=lambda r: (-r.get("clicks", 0), -r.get("impressions", 0), str(r["keys"])))
        page = rows[start_row : start_row + limit]
        self._send(
            200, {"rows": page, "responseAggregationType": "byPage"} if page else {"responseAggregationType": "byPage"}
        )

    def _inspect(self, body: dict[str, Any]) -> None:
        prop, url = body.get("siteUrl"), body.get("inspectionUrl")
        if prop not in self.state.properties:
            self._send(
                403,
                _error(
                    403,
                    "PERMISSION_DENIED",
                    "You do not own this site, or the inspected URL is not part of this property.",
                ),
            )
            return
        if not isinstance(url, str) or not url.startswith("http"):
            self._send(400, _error(400, "INVALID_ARGUMENT", "Invalid inspectionUrl.", "badRequest"))
            return
        with self.state.lock:
            used = self.state.inspections_today.get(prop, 0)
            if used >= INSPECTION_DAILY_QUOTA:
                over = True
            else:
                over = False
                self.state.inspections_today[prop] = used + 1
                self.state.inspected.append(url)
        if over:
            self._send(
                429,
                _error(
                    429,
                    "RESOURCE_EXHAUSTED",
                    "Quota exceeded for quota metric 'URL Inspection requests' "
                    "and limit 'URL Inspection requests per day per property'",
                    "rateLimitExceeded",
                ),
            )
            return
        verdict = self.state.index_states.get(url, "PASS")
        coverage = {
            "PASS": "Submitted and indexed",
            "NEUTRAL": "Discovered - currently not indexed",
            "FAIL": "Server error (5xx)",
        }.get(verdict, "URL is unknown to Google")
        self._send(
            200,
            {
                "inspectionResult": {
                    "inspectionResultLink": "https://search.google.com/search-console/inspect?resource_id=" + prop,
                    "indexStatusResult": {
                        "verdict": verdict,
                        "coverageState": coverage,
                        "robotsTxtState": "ALLOWED",
                        "indexingState": "INDEXING_ALLOWED",
                        "lastCrawlTime": "2026-11-30T08:15:02Z",
                        "pageFetchState": "SUCCESSFUL",
                        "googleCanonical": url,
                        "userCanonical": url,
                        "crawledAs": "MOBILE",
                    },
                    "mobileUsabilityResult": {"verdict": "PASS"},
                }
            },
        )

    def _indexnow(self, body: dict[str, Any]) -> None:
        self.state.indexnow_requests.append(body)
        urls = body.get("urlList")
        if body.get("key") != self.state.indexnow_key:
            self._send(403, None)
            return
        if not isinstance(urls, list) or not urls or len(urls) > 10000:
            self._send(400, None)
            return
        if any(urlsplit(u).hostname != body.get("host") for u in urls):
            self._send(422, None)
            return
        self._send(202, None)

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        if path == "/token":
            self._token()
            return
        try:
            body = json.loads(self._body() or b"{}")
        except ValueError:
            self._send(400, _error(400, "INVALID_ARGUMENT", "Invalid JSON payload received."))
            return
        if path == "/indexnow":
            self._indexnow(body)
            return
        if not self._authorised() or self._scripted_failure():
            return
        if path.startswith("/webmasters/v3/sites/") and path.endswith("/searchAnalytics/query"):
            self._analytics(
                unquote(path.removeprefix("/webmasters/v3/sites/").removesuffix("/searchAnalytics/query")), body
            )
        elif path == "/v1/urlInspection/index:inspect":
            self._inspect(body)
        else:
            self._send(404, _error(404, "NOT_FOUND", "Requested entity was not found."))


class _GoogleHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    state: GoogleState
    token_url: str


@dataclass
class GoogleServer:
    state: GoogleState
    base_url: str

    @property
    def token_url(self) -> str:
        return self.base_url + "/token"

    @property
    def auth_url(self) -> str:
        return self.base_url + "/o/oauth2/auth"

    @property
    def indexnow_url(self) -> str:
        return self.base_url + "/indexnow"


@contextmanager
def google_server(state: GoogleState | None = None) -> Iterator[GoogleServer]:
    server = _GoogleHTTPServer(("127.0.0.1", 0), _Handler)
    server.state = state or GoogleState()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    server.token_url = base + "/token"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield GoogleServer(server.state, base)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
