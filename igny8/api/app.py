"""The FastAPI application: middleware (request ids, body size limit), error envelopes, routers."""

from __future__ import annotations

import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from igny8.api.envelope import ApiError, error, request_id
from igny8.api.routes import accounts, chat, plugin, sites
from igny8.memory.secret_box import secret_box_for
from igny8.services import Services
from igny8.workflows.chat_sessions import ChatRunner, SessionRefused
from igny8.workflows.public_errors import INTERNAL_ERROR, KNOWN_ERRORS, public_error

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


def _field_errors(exc: RequestValidationError) -> tuple[int, str, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    for item in exc.errors():
        if item.get("type") == "json_invalid":
            return 400, "malformed JSON: " + str(item.get("msg", "")), {"body": ["is not valid JSON"]}
        location = [str(part) for part in item.get("loc", ()) if part not in ("body",)]
        field = ".".join(location) or "body"
        message = item.get("msg", "invalid")
        if item.get("type") == "extra_forbidden":
            message = "unknown field"
        errors.setdefault(field, []).append(message)
    return 422, "the request does not validate; see errors", errors


def _install_error_handlers(app: FastAPI) -> None:
    """Every error becomes the envelope with a message that says what to fix; exception text and tracebacks
    go to the server log only, under the request id."""

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Any:
        return error(request, exc.status_code, exc.message, exc.errors, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Any:
        status, message, errors = _field_errors(exc)
        return error(request, status, message, errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Any:
        return error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(SessionRefused)
    async def session_refused(request: Request, exc: SessionRefused) -> Any:
        retry = {"Retry-After": str(exc.retry_after_s)} if exc.retry_after_s else None
        return error(request, exc.status_code, str(exc), headers=retry)

    async def known_error(request: Request, exc: Exception) -> Any:
        known = public_error(exc)
        if known is None or known.status_code >= 500:
            # The detail (which may hold a provider's key or a URL) goes to the log only, under the request id.
            log.error(
                "request %s %s %s failed: %s",
                request_id(request),
                request.method,
                request.url.path,
                type(exc).__name__,
                exc_info=exc,
            )
        if known is None:
            return error(request, 500, INTERNAL_ERROR)
        return error(request, known.status_code, known.message)

    for kind in KNOWN_ERRORS:
        app.add_exception_handler(kind, known_error)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Any:
        log.error(
            "request %s %s %s failed unexpectedly", request_id(request), request.method, request.url.path, exc_info=exc
        )
        return error(request, 500, INTERNAL_ERROR)


def create_app(runtime: Services, *, max_body_bytes: int = 1_048_576) -> FastAPI:
    # Fail before serving anything when stored credentials could not be read (production without
    # IGNY8_SECRET_KEY raises SecretKeyMissing, whose message says what to set); elsewhere this creates the
    # generated key file once.
    secret_box_for(runtime.settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runner = ChatRunner.for_runtime(runtime)
        app.state.chat_runner = runner
        try:
            yield
        finally:
            runner.shutdown()

    app = FastAPI(
        title="IGNY8 API",
        version="1.0",
        description="Accounts and sites, the WordPress plugin's endpoints, and chat sessions that build a "
        "site's blueprint. Authenticate with the X-IGNY8-API-KEY header.",
        lifespan=lifespan,
    )
    app.state.runtime = runtime

    @app.middleware("http")
    async def add_request_id(request: Request, call_next: Any) -> Any:
        request.state.request_id = (
            request.state.request_id if getattr(request.state, "request_id", None) else uuid.uuid4().hex
        )
        response = await call_next(request)
        response.headers["X-Request-ID"] = request.state.request_id
        return response

    _install_error_handlers(app)
    for module in (accounts, sites, plugin, chat):
        app.include_router(module.router, prefix="/api/v1")
    app.add_middleware(BodyLimit, limit=max_body_bytes)
    return app
