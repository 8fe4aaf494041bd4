"""Dependencies as Annotated aliases: the database, the caller's principal, a site the caller may reach.

The principal is resolved on the event loop: a recent lookup comes from the key cache, otherwise one query
on the async pool; then the key's rate limit is counted. Dependencies that do no I/O are ``async`` so that
none of them costs a trip through the thread pool."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from fastapi.security import APIKeyHeader
from psycopg_pool import AsyncConnectionPool

from igny8.api.envelope import ApiError
from igny8.api.rate_limit import RateLimiter
from igny8.api.single_flight import SingleFlight
from igny8.memory.api_keys import Principal, authenticate_async
from igny8.memory.database import Database
from igny8.memory.key_cache import MISS, KeyCache
from igny8.memory.site_read_cache import MISS as NOT_HELD
from igny8.memory.site_read_cache import SiteReadCache
from igny8.services import Services
from igny8.workflows.chat_sessions import ChatRunner

API_KEY_HEADER = "X-IGNY8-API-KEY"
api_key_scheme = APIKeyHeader(
    name=API_KEY_HEADER,
    scheme_name="ApiKey",
    description="An account key (every site of the account) or a site key (that site: the WordPress plugin).",
    auto_error=False,
)


T = TypeVar("T")


@dataclass
class ServiceState:
    """What one server process holds for the request path: the async pool, the key cache, the rate limiter and
    the plugin's reads kept per site."""

    pool: AsyncConnectionPool
    keys: KeyCache
    limiter: RateLimiter
    reads: SiteReadCache
    in_flight: SingleFlight = field(default_factory=SingleFlight)

    async def read_through(self, site_id: int, what: Hashable, read: Callable[[], Awaitable[T]]) -> T:
        """The site's answer to ``what`` from memory, or from ``read()`` (then kept until the site changes);
        requests that miss at once share one read."""
        held: Any = self.reads.get(site_id, what)
        if held is not NOT_HELD:
            return held

        async def read_and_keep() -> T:
            generation = self.reads.generation(site_id)
            answer = await read()
            self.reads.put(site_id, what, answer, generation)
            return answer

        return await self.in_flight.run(("site", site_id, what), read_and_keep)

    async def authenticate(self, api_key: str) -> Principal | None:
        """The key's principal (None: refused) from the key cache, or one query shared by concurrent misses."""
        principal: Any = self.keys.get(api_key)
        if principal is not MISS:
            return principal

        async def look_up() -> Principal | None:
            async with self.pool.connection() as conn:
                found = await authenticate_async(conn, api_key)
            self.keys.put(api_key, found)
            return found

        return await self.in_flight.run(("key", api_key), look_up)


async def get_runtime(request: Request) -> Services:
    return request.app.state.runtime


async def get_database(request: Request) -> Database:
    return request.app.state.runtime.database


def service_state(request: Request) -> ServiceState:
    state: ServiceState | None = getattr(request.app.state, "service", None)
    if state is None:  # the app was served without its lifespan (which opens the pool)
        raise ApiError(503, "the service is starting or stopping: try again in a moment")
    return state


async def _service_state(request: Request) -> ServiceState:
    return service_state(request)


async def get_chat_runner(request: Request) -> ChatRunner:
    runner: ChatRunner | None = getattr(request.app.state, "chat_runner", None)
    if runner is None:  # the app was served without its lifespan (which starts the pool)
        raise ApiError(503, "chat sessions are not available: the server started without its lifespan events")
    return runner


RuntimeDep = Annotated[Services, Depends(get_runtime)]
DatabaseDep = Annotated[Database, Depends(get_database)]
ChatRunnerDep = Annotated[ChatRunner, Depends(get_chat_runner)]
ServiceStateDep = Annotated[ServiceState, Depends(_service_state)]


ApiKey = Annotated[str | None, Depends(api_key_scheme)]


async def _principal(request: Request, api_key: str | None) -> Principal:
    """The key's principal, counted against its rate limit; 401 or 429 otherwise."""
    if not api_key:
        raise ApiError(401, f"missing API key: send it in the {API_KEY_HEADER} header")
    service = service_state(request)
    principal = await service.authenticate(api_key)
    if principal is None:
        raise ApiError(401, "the API key is not valid (wrong, revoked or mistyped)")
    wait_s = service.limiter.retry_after(principal.key_id)
    if wait_s:
        raise ApiError(
            429, f"too many requests for this key: try again in {wait_s} s", headers={"Retry-After": str(wait_s)}
        )
    return principal


# Each kind of key is one dependency on the key header, not a chain of them: FastAPI resolves every
# dependency on every request, and on the plugin's polled reads that was a quarter of the time.


async def get_principal(request: Request, api_key: ApiKey = None) -> Principal:
    return await _principal(request, api_key)


PrincipalDep = Annotated[Principal, Depends(get_principal)]


async def require_account_key(request: Request, api_key: ApiKey = None) -> Principal:
    principal = await _principal(request, api_key)
    if principal.site_id is not None:
        raise ApiError(403, "this endpoint needs an account key; a site key reaches only its own site")
    return principal


AccountPrincipalDep = Annotated[Principal, Depends(require_account_key)]


async def require_site_key(request: Request, api_key: ApiKey = None) -> Principal:
    principal = await _principal(request, api_key)
    if principal.site_id is None:
        raise ApiError(403, "this endpoint is for the WordPress plugin: use the site's key")
    return principal


SitePrincipalDep = Annotated[Principal, Depends(require_site_key)]


def reachable_site(principal: Principal, site_id: int) -> int:
    """The site id if the caller may reach it; otherwise 404, the same as a site that does not exist."""
    if not principal.may_access(site_id):
        raise ApiError(404, f"site {site_id} not found")
    return site_id
