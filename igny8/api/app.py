"""The FastAPI application: middleware (request ids, body size limit), error envelopes, routers."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from igny8.api.envelope import ApiError, error
from igny8.api.routes import accounts, chat, plugin, sites
from igny8.catalog.loader import CatalogError
from igny8.memory.tenancy import NotFound
from igny8.runtime import Runtime

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


def create_app(runtime: Runtime, *, max_body_bytes: int = 1_048_576) -> FastAPI:
    app = FastAPI(
        title="IGNY8 API",
        version="1.0",
        description="Accounts and sites, the WordPress plugin's endpoints, and chat sessions that build a "
        "site's blueprint. Authenticate with the X-IGNY8-API-KEY header.",
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

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Any:
        return error(request, exc.status_code, exc.message, exc.errors)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Any:
        status, message, errors = _field_errors(exc)
        return error(request, status, message, errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Any:
        return error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Any:
        return error(request, 404, str(exc))

    @app.exception_handler(CatalogError)
    async def catalog_error(request: Request, exc: CatalogError) -> Any:
        return error(request, 422, str(exc))

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Any:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error(request, 500, "internal error; the request id identifies it in the server log")

    for module in (accounts, sites, plugin, chat):
        app.include_router(module.router, prefix="/api/v1")
    app.add_middleware(BodyLimit, limit=max_body_bytes)
    return app
