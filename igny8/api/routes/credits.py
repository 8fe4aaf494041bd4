"""Credits over the API: the account's balance and history (account key), grants and plan changes (the
operator's admin token), and a site's generated reports (account or site key)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Query, Request, Security
from pydantic import Field

from igny8.api.contract import error_responses
from igny8.api.deps import AccountPrincipalDep, PrincipalDep, RuntimeDep, reachable_site
from igny8.api.envelope import ApiError, ok
from igny8.api.routes.accounts import admin_token_scheme
from igny8.domain.text import InputModel
from igny8.memory.tenancy import NotFound
from igny8.workflows.credits import CreditRequestError, account_balance, credit_history, grant
from igny8.workflows.reports import list_site_reports

router = APIRouter(tags=["credits"])


class GrantIn(InputModel):
    account_id: int = Field(ge=1)
    credits: int | None = Field(default=None, ge=1, le=10_000_000)
    plan: str | None = Field(default=None, pattern="^(lite|pro)$")
    reason: str = Field(default="grant over the API", min_length=1, max_length=200)
    key: str | None = Field(default=None, min_length=1, max_length=200, description="the same key never grants twice")


@router.get("/credits")
def read_credits(principal: AccountPrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    settings = runtime.settings
    view = account_balance(runtime.database, settings, account_id=principal.account_id)
    return ok(request, view.as_dict())


@router.get("/credits/history")
def read_credit_history(  # type: ignore[no-untyped-def]
    principal: AccountPrincipalDep,
    request: Request,
    runtime: RuntimeDep,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
):
    rows = credit_history(
        runtime.database, account_id=principal.account_id, default_plan=runtime.settings.default_plan, limit=limit
    )
    return ok(request, rows)


@router.post("/credits/grants", status_code=201, responses=error_responses(401, 403, 404, 422))
def create_grant(  # type: ignore[no-untyped-def]
    body: GrantIn,
    request: Request,
    runtime: RuntimeDep,
    admin_token: Annotated[str | None, Security(admin_token_scheme)] = None,
):
    expected = runtime.settings.admin_token
    if expected is None:
        raise ApiError(403, "granting credits over the API is off: set IGNY8_ADMIN_TOKEN, or use `igny8 credits grant`")
    if not admin_token or not hmac.compare_digest(admin_token, expected.get_secret_value()):
        raise ApiError(401, "missing or wrong X-IGNY8-ADMIN-TOKEN")
    settings = runtime.settings
    try:
        granted = grant(
            runtime.database,
            account_id=body.account_id,
            credits=body.credits,
            plan=body.plan,
            reason=body.reason,
            default_plan=settings.default_plan,
            key=body.key,
        )
    except CreditRequestError as exc:
        raise ApiError(422, str(exc)) from exc
    except NotFound as exc:
        raise ApiError(404, str(exc)) from exc
    view = account_balance(runtime.database, settings, account_id=body.account_id)
    return ok(request, {"granted": granted, "balance": view.as_dict()}, status_code=201)


@router.get("/sites/{site_id}/reports")
def read_site_reports(site_id: int, principal: PrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    reachable_site(principal, site_id)
    rows = list_site_reports(runtime.database, account_id=principal.account_id, site_id=site_id)
    return ok(request, [{k: v for k, v in row.items() if k != "path"} for row in rows])
