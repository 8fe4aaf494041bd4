"""ASGI middleware of the service: request ids, the request body limit and the request time limit."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from igny8.api.envelope import error, new_request_id

log = logging.getLogger(__name__)


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, whether or not Content-Length is sent."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is None and b"transfer-encoding" not in headers:  # no body (HTTP/1.1): nothing to count
            await self.app(scope, receive, send)
            return
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(scope, send)
            return
        # Read the body first (it is small by definition), refusing it as soon as it passes the limit,
        # then hand the application a replay of it.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.limit:
                await self._refuse(scope, send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        request = Request(scope)
        response = error(request, 413, f"the request body is larger than {self.limit} bytes")
        await response(scope, _no_body, send)


async def _no_body() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


def is_stream(path: str) -> bool:
    """Server-sent event streams have their own time limit (their ``timeout`` parameter)."""
    return path.endswith("/events")


class TimeLimit:
    """A request that runs past ``seconds`` is answered 503 (its work is cancelled where it awaits; a thread
    already running finishes on its own, and its transaction commits or rolls back as a whole)."""

    def __init__(self, app: ASGIApp, seconds: float, exempt: Callable[[str], bool] = is_stream) -> None:
        self.app = app
        self.seconds = seconds
        self.exempt = exempt

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.exempt(scope.get("path", "")):
            await self.app(scope, receive, send)
            return
        started = False

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            async with asyncio.timeout(self.seconds):
                await self.app(scope, receive, tracked)
        except TimeoutError:
            request = Request(scope)
            log.warning("%s %s ran past the %.1f s time limit", request.method, scope.get("path"), self.seconds)
            if started:  # the answer had begun: nothing to do but end the connection
                raise
            response = error(request, 503, f"the request ran past the {self.seconds:g} s time limit; try again")
            await response(scope, _no_body, send)


class RequestId:
    """Every request gets an id (kept in its state for the envelope) and answers with it in X-Request-ID; a
    plain ASGI middleware, which costs far less per request than an ``@app.middleware("http")`` function."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state["request_id"] = state.get("request_id") or new_request_id()
        header = state["request_id"].encode()

        async def with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = message.get("headers", [])
                # The envelope sets the header already (Starlette lowercases names); others get it here.
                if (b"x-request-id", header) not in headers:
                    headers = [(k, v) for k, v in headers if k.lower() != b"x-request-id"]
                    message = {**message, "headers": [*headers, (b"x-request-id", header)]}
            await send(message)

        await self.app(scope, receive, with_id)
