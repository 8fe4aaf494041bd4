"""The FastAPI application: middleware (request ids, body size and time limits), error envelopes, routers,
the declared contract, and what each server process holds (async pool, key cache, rate limiter)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from igny8.api.contract import allowed_methods, error_statuses, install_contract
from igny8.api.deps import ServiceState, get_principal, require_account_key, require_site_key
from igny8.api.envelope import ApiError, error, request_id
from igny8.api.middleware import BodyLimit, RequestId, TimeLimit
from igny8.api.rate_limit import RateLimiter
from igny8.api.routes import accounts, chat, credits, plugin, plugin_sync, sites
from igny8.memory.api_keys import REVOCATION_CHANNEL
from igny8.memory.async_pool import async_pool
from igny8.memory.key_cache import KeyCache
from igny8.memory.notices import listen
from igny8.memory.secret_box import secret_box_for
from igny8.memory.site_read_cache import SITE_READS_CHANNEL, SiteReadCache
from igny8.services import Services
from igny8.web.mount import install_web_app
from igny8.workflows.chat_sessions import ChatRunner, SessionRefused
from igny8.workflows.public_errors import INTERNAL_ERROR, KNOWN_ERRORS, public_error

log = logging.getLogger(__name__)


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


async def _http_error(request: Request, exc: StarletteHTTPException) -> Any:
    headers = dict(exc.headers or {})
    if exc.status_code == 405:  # every method of the path, not only those of the first route that matched
        allowed = request.app.state.allowed_methods(request.url.path) or headers.get("Allow", "").split(", ")
        headers["Allow"] = ", ".join(allowed)
    return error(request, exc.status_code, str(exc.detail), headers=headers)


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

    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]

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


@asynccontextmanager
async def _service_state(app: FastAPI, runtime: Services) -> AsyncIterator[None]:
    """This process's async pool, key cache (cleared by revocation notices), rate limiter and the plugin's reads
    (each site's forgotten on its change notice)."""
    settings = runtime.settings
    pool = async_pool(runtime.database.url, max_size=settings.api_pool_size)
    await pool.open()
    keys = KeyCache(settings.api_key_cache_s)
    reads = SiteReadCache(settings.api_read_cache_s)

    def start_over() -> None:
        keys.clear()
        reads.clear()

    handlers = {REVOCATION_CHANNEL: lambda _payload: keys.clear(), SITE_READS_CHANNEL: reads.on_notice}
    listener = asyncio.create_task(listen(runtime.database.url, handlers, start_over))
    limiter = RateLimiter(settings.api_rate_limit_per_s, settings.api_rate_burst)
    app.state.service = ServiceState(pool, keys, limiter, reads)
    try:
        yield
    finally:
        app.state.service = None
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listener
        await pool.close()


def create_app(runtime: Services, *, max_body_bytes: int = 1_048_576, close_database: bool = False) -> FastAPI:
    """The application on ``runtime``; ``close_database``: the app owns the database and closes it on exit."""
    # Fail before serving anything when stored credentials could not be read (production without
    # IGNY8_SECRET_KEY raises SecretKeyMissing, whose message says what to set); elsewhere this creates the
    # generated key file once.
    secret_box_for(runtime.settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runner = ChatRunner.for_runtime(runtime)
        app.state.chat_runner = runner
        try:
            async with _service_state(app, runtime):
                yield
        finally:
            runner.shutdown()
            if close_database:
                runtime.database.close()

    app = FastAPI(
        title="IGNY8 API",
        version="1.0",
        description="Accounts and sites, the WordPress plugin's endpoints, and chat sessions that build a "
        "site's blueprint. Authenticate with the X-IGNY8-API-KEY header.",
        lifespan=lifespan,
    )
    app.state.runtime = runtime

    app.add_middleware(RequestId)
    _install_error_handlers(app)
    # The plugin's routes first: thousands of sites poll them, and a request is matched route by route.
    routers = [module.router for module in (plugin, plugin_sync, accounts, sites, chat, credits)]
    for router in routers:
        app.include_router(router, prefix="/api/v1")
    app.state.allowed_methods = allowed_methods(routers, "/api/v1")
    install_contract(
        app,
        error_statuses(
            routers,
            "/api/v1",
            authenticated_by={get_principal, require_account_key, require_site_key},
            kinds={require_account_key, require_site_key},
        ),
    )
    install_web_app(app)  # the web app at / (igny8/web), outside the OpenAPI schema
    app.add_middleware(BodyLimit, limit=max_body_bytes)
    app.add_middleware(TimeLimit, seconds=runtime.settings.api_request_timeout_s)
    return app
