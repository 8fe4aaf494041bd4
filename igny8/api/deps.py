"""Dependencies as Annotated aliases: the database, the caller's principal, a site the caller may reach."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from igny8.api.envelope import ApiError
from igny8.memory.api_keys import Principal, authenticate
from igny8.memory.database import Database
from igny8.services import Services
from igny8.workflows.chat_sessions import ChatRunner


def get_runtime(request: Request) -> Services:
    return request.app.state.runtime


def get_database(request: Request) -> Database:
    return request.app.state.runtime.database


def get_chat_runner(request: Request) -> ChatRunner:
    runner: ChatRunner | None = getattr(request.app.state, "chat_runner", None)
    if runner is None:  # the app was served without its lifespan (which starts the pool)
        raise ApiError(503, "chat sessions are not available: the server started without its lifespan events")
    return runner


RuntimeDep = Annotated[Services, Depends(get_runtime)]
DatabaseDep = Annotated[Database, Depends(get_database)]
ChatRunnerDep = Annotated[ChatRunner, Depends(get_chat_runner)]


def get_principal(
    database: DatabaseDep, api_key: Annotated[str | None, Header(alias="X-IGNY8-API-KEY")] = None
) -> Principal:
    if not api_key:
        raise ApiError(401, "missing API key: send it in the X-IGNY8-API-KEY header")
    with database.connection() as conn:
        principal = authenticate(conn, api_key)
    if principal is None:
        raise ApiError(401, "the API key is not valid (wrong, revoked or mistyped)")
    return principal


PrincipalDep = Annotated[Principal, Depends(get_principal)]


def require_account_key(principal: PrincipalDep) -> Principal:
    if principal.site_id is not None:
        raise ApiError(403, "this endpoint needs an account key; a site key reaches only its own site")
    return principal


AccountPrincipalDep = Annotated[Principal, Depends(require_account_key)]


def require_site_key(principal: PrincipalDep) -> Principal:
    if principal.site_id is None:
        raise ApiError(403, "this endpoint is for the WordPress plugin: use the site's key")
    return principal


SitePrincipalDep = Annotated[Principal, Depends(require_site_key)]


def reachable_site(principal: Principal, site_id: int) -> int:
    """The site id if the caller may reach it; otherwise 404, the same as a site that does not exist."""
    if not principal.may_access(site_id):
        raise ApiError(404, f"site {site_id} not found")
    return site_id
