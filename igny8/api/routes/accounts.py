"""Accounts: created with the operator's admin token; an account key reads its own account."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Request, Security
from fastapi.security import APIKeyHeader
from pydantic import Field

from igny8.api.contract import error_responses
from igny8.api.deps import AccountPrincipalDep, RuntimeDep
from igny8.api.envelope import ApiError, ok
from igny8.domain.text import InputModel
from igny8.memory.api_keys import issue_key
from igny8.memory.tenancy import create_account, get_account_summary

router = APIRouter(tags=["accounts"])


class AccountIn(InputModel):
    name: str = Field(min_length=1, max_length=200)


admin_token_scheme = APIKeyHeader(
    name="X-IGNY8-ADMIN-TOKEN", scheme_name="AdminToken", description="IGNY8_ADMIN_TOKEN", auto_error=False
)


@router.post("/accounts", status_code=201, responses=error_responses(401, 403))
def create_account_route(
    body: AccountIn,
    request: Request,
    runtime: RuntimeDep,
    admin_token: Annotated[str | None, Security(admin_token_scheme)] = None,
):  # type: ignore[no-untyped-def]
    expected = runtime.settings.admin_token
    if expected is None:
        raise ApiError(
            403, "account creation over the API is off: set IGNY8_ADMIN_TOKEN, or use `igny8 account create`"
        )
    if not admin_token or not hmac.compare_digest(admin_token, expected.get_secret_value()):
        raise ApiError(401, "missing or wrong X-IGNY8-ADMIN-TOKEN")
    with runtime.database.connection() as conn:
        account_id = create_account(conn, name=body.name)
        key = issue_key(conn, account_id=account_id, site_id=None, label="account")
    return ok(
        request,
        {"id": account_id, "name": body.name, "api_key": key},
        "store the key now: it is shown only once",
        status_code=201,
    )


@router.get("/account")
def read_account(principal: AccountPrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    with runtime.database.connection() as conn:
        account = get_account_summary(conn, account_id=principal.account_id)
    assert account is not None  # the key that authenticated belongs to it
    return ok(
        request,
        {"id": account.id, "name": account.name, "created_at": account.created_at.isoformat(), "sites": account.sites},
    )
