"""Sites of an account: create (the site key is shown once), read, sectors, key rotation, blueprint, health."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from pydantic import ConfigDict, Field

from igny8.api.contract import (
    NOT_WS,
    all_sectors,
    catalog_or_own_choices,
    error_responses,
    unknown_sectors_conflict,
)
from igny8.api.deps import AccountPrincipalDep, PrincipalDep, RuntimeDep, reachable_site
from igny8.api.envelope import ApiError, ok
from igny8.catalog.build_request import resolve_sectors
from igny8.catalog.loader import CatalogError
from igny8.domain.catalog import SiteType
from igny8.domain.text import BIGINT_MAX, InputModel
from igny8.memory.api_keys import issue_key, revoke_site_keys
from igny8.memory.blueprints import get_blueprint, list_blueprints
from igny8.memory.health_history import recent_health
from igny8.memory.sector_templates_repo import own_sector_industries
from igny8.memory.tenancy import Site, get_site, list_sites, replace_site_sectors
from igny8.workflows.site_setup import create_site_with_key

router = APIRouter(tags=["sites"])
SiteId = Annotated[int, Path(ge=1, le=BIGINT_MAX)]


class SiteIn(InputModel):
    model_config = ConfigDict(json_schema_extra=catalog_or_own_choices)

    # Patterns for the schema only: create_site_with_key checks both and says what to fix.
    name: str = Field(min_length=1, max_length=200, json_schema_extra={"pattern": NOT_WS})
    url: str | None = Field(
        default=None, max_length=300, json_schema_extra={"pattern": r"^$|^[Hh][Tt][Tt][Pp][Ss]?://[^/?#]+"}
    )
    industry: str = Field(min_length=1, max_length=100, description="an industry's slug from the catalog")
    sectors: list[str] = Field(
        min_length=1,
        max_length=5,
        description="1–5 distinct sectors of that industry: catalog slugs, or slugs of sectors outside the catalog "
        "the account has its own template for (in that industry)",
    )
    site_type: SiteType | None = Field(
        default=None, description="default: the first sector's typical type (required for a sector outside the catalog)"
    )


class SectorsIn(InputModel):
    model_config = ConfigDict(json_schema_extra=all_sectors)

    sectors: list[str] = Field(min_length=1, max_length=5, description="1–5 distinct sectors of the site's industry")


def site_json(site: Site) -> dict[str, Any]:
    return {
        "id": site.id,
        "name": site.name,
        "url": site.url,
        "site_type": site.site_type,
        "industry": site.industry,
        "sectors": list(site.sectors),
    }


@router.get("/sites")
def list_sites_route(principal: PrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    with runtime.database.connection() as conn:
        sites = list_sites(conn, account_id=principal.account_id)
    return ok(request, [site_json(s) for s in sites if principal.may_access(s.id)])


@router.post("/sites", status_code=201, responses=error_responses(409))
def create_site_route(body: SiteIn, principal: AccountPrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    with runtime.database.connection() as conn:  # sectors outside the catalog with a template of the account's
        own = own_sector_industries(conn, account_id=principal.account_id)
        with unknown_sectors_conflict(runtime.catalog, body.industry, body.sectors, own):
            created = create_site_with_key(
                conn,
                runtime.catalog,
                account_id=principal.account_id,
                name=body.name,
                url=body.url,
                industry=body.industry,
                sectors=body.sectors,
                site_type=body.site_type,
                plan_limit_default=runtime.settings.default_plan,
                own_sectors=own,
            )
    return ok(
        request,
        {**site_json(created.site), "api_key": created.api_key},
        "store the site key now: it is shown only once",
        status_code=201,
    )


@router.get("/sites/{site_id}")
def read_site(site_id: SiteId, principal: PrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    with runtime.database.connection() as conn:
        site = get_site(conn, account_id=principal.account_id, site_id=reachable_site(principal, site_id))
    return ok(request, site_json(site))


@router.put("/sites/{site_id}/sectors", responses=error_responses(409))
def set_sectors(
    site_id: SiteId, body: SectorsIn, principal: AccountPrincipalDep, request: Request, runtime: RuntimeDep
):  # type: ignore[no-untyped-def]
    with runtime.database.connection() as conn:
        site = get_site(conn, account_id=principal.account_id, site_id=site_id)
        try:
            _, resolved = resolve_sectors(runtime.catalog, site.industry, body.sectors, site.site_type)
        except CatalogError as exc:  # a catalog sector, but of another industry than the site's
            raise ApiError(409, str(exc), {"sectors": [f"choose sectors of industry {site.industry}"]}) from exc
        replace_site_sectors(conn, site_id=site_id, sectors=[sector.slug for sector in resolved])
        site = get_site(conn, account_id=principal.account_id, site_id=site_id)
    return ok(request, site_json(site))


@router.post("/sites/{site_id}/keys", status_code=201)
def rotate_key(site_id: SiteId, principal: AccountPrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    with runtime.database.connection() as conn:
        get_site(conn, account_id=principal.account_id, site_id=site_id)
        revoked = revoke_site_keys(conn, site_id=site_id)
        key = issue_key(conn, account_id=principal.account_id, site_id=site_id, label="site")
    return ok(request, {"api_key": key, "revoked": revoked}, "the old site keys no longer work", status_code=201)


@router.get("/sites/{site_id}/blueprints")
def site_blueprints(site_id: SiteId, principal: PrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    with runtime.database.connection() as conn:
        get_site(conn, account_id=principal.account_id, site_id=reachable_site(principal, site_id))
        rows = list_blueprints(conn, account_id=principal.account_id, site_id=site_id)
    return ok(
        request,
        [
            {
                "id": r.id,
                "version": r.version,
                "status": r.status,
                "health_score": r.health_score,
                "keywords": r.keyword_count,
                "clusters": r.cluster_count,
                "created_at": r.created_at.isoformat(),
            }
            for r in rows
        ],
    )


@router.get("/sites/{site_id}/blueprint")
def active_blueprint(site_id: SiteId, principal: PrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    with runtime.database.connection() as conn:
        blueprint = get_blueprint(conn, account_id=principal.account_id, site_id=reachable_site(principal, site_id))
    return ok(request, blueprint.model_dump(mode="json"))


@router.get("/sites/{site_id}/health")
def health_history(site_id: SiteId, principal: PrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    with runtime.database.connection() as conn:
        get_site(conn, account_id=principal.account_id, site_id=reachable_site(principal, site_id))
        rows = recent_health(conn, site_id=site_id)
    return ok(request, [{**r, "computed_at": r["computed_at"].isoformat()} for r in rows])
