"""The session bridge: the web app's scripts call ``/app/api/<path>`` and reach ``/api/v1/<path>`` — the same
API, routes and tenancy checks the plugin uses — with the signed-in account's key added server-side.

Requests without a live session answer 401; a request that changes anything (not GET/HEAD) must carry the
session's CSRF token in ``X-CSRF-Token`` or answers 403. The browser's cookie never reaches the API.
"""

from __future__ import annotations

import json

from anyio import to_thread
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from igny8.memory.secret_box import SecretUnreadable
from igny8.web.sign_in import CSRF_HEADER, current_session, session_key, tokens_match

BRIDGE_PREFIX = "/app/api/"
API_PREFIX = "/api/v1/"
SAFE_METHODS = {"GET", "HEAD"}


async def _refuse(send: Send, status: int, message: str) -> None:
    body = json.dumps({"success": False, "error": message, "errors": {}}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SessionBridge:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(BRIDGE_PREFIX):
            await self.app(scope, receive, send)
            return
        runtime = scope["app"].state.runtime
        connection = HTTPConnection(scope)
        session = await to_thread.run_sync(current_session, runtime.database, connection)
        if session is None:
            await _refuse(send, 401, "you are signed out: sign in again with your account key")
            return
        if scope["method"] not in SAFE_METHODS and not tokens_match(
            session.csrf_token, connection.headers.get(CSRF_HEADER)
        ):
            await _refuse(send, 403, "the request lacks this page's CSRF token: reload the page and try again")
            return
        try:
            key = session_key(runtime.settings, session)
        except SecretUnreadable:
            await _refuse(send, 401, "your sign-in can no longer be read (the server's key changed): sign in again")
            return
        path = API_PREFIX + scope["path"][len(BRIDGE_PREFIX) :]
        headers = [
            (name, value)
            for name, value in scope["headers"]
            if name not in (b"cookie", b"x-igny8-api-key", CSRF_HEADER.encode())
        ]
        headers.append((b"x-igny8-api-key", key.encode()))
        forwarded = {**scope, "path": path, "raw_path": path.encode(), "headers": headers}
        await self.app(forwarded, receive, send)
