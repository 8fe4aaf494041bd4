"""Creating a site (with its sectors and first API key), shared by the command line and the API."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

import psycopg

from igny8.catalog.build_request import resolve_sectors
from igny8.catalog.loader import Catalog, CatalogError
from igny8.domain.catalog import SectorInfo, SectorTemplate
from igny8.domain.plans import plan_named
from igny8.memory.api_keys import issue_key
from igny8.memory.credit_accounts import plan_and_sites
from igny8.memory.sector_templates_repo import save_sector_template
from igny8.memory.tenancy import Site, create_site


class SiteLimitReached(RuntimeError):
    """The account's plan covers no more sites; the text says how to get room."""


def check_site_limit(conn: psycopg.Connection, *, account_id: int, default_plan: str) -> None:
    """Refuse a new site beyond the plan's site limit (Lite 3, Pro 25)."""
    plan_name, sites = plan_and_sites(conn, account_id=account_id)
    plan = plan_named(plan_name or default_plan)
    if sites >= plan.site_limit:
        raise SiteLimitReached(
            f"the {plan.name} plan covers {plan.site_limit} sites and account {account_id} has {sites}: "
            f"move to a larger plan (`igny8 credits grant --account {account_id} --plan pro`) or remove a site"
        )


@dataclass(frozen=True)
class NewSite:
    site: Site
    api_key: str


def check_url(url: str | None) -> str | None:
    if url is None or url == "":
        return None
    parsed = urlparse(url)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc or len(url) > 300:
        raise CatalogError(f"site URL {url!r} must be an http(s) address such as https://example.com")
    return url.rstrip("/")


def create_site_with_key(
    conn: psycopg.Connection,
    catalog: Catalog,
    *,
    account_id: int,
    name: str,
    url: str | None,
    industry: str,
    sectors: list[str],
    site_type: str | None = None,
    plan_limit_default: str | None = None,
    own_sectors: Mapping[str, str] | None = None,
) -> NewSite:
    """A site with its sectors and site key. With ``plan_limit_default`` (the plan of an account that has none
    yet), the account's plan limits how many sites it may have; the operator's local account passes None.
    ``own_sectors``: sectors outside the catalog the account has a stored template for, each with its industry."""
    name = name.strip()
    if not 1 <= len(name) <= 200:
        raise CatalogError("the site name must be 1–200 characters")
    industry_entry = catalog.industry(industry)
    if not site_type and sectors and sectors[0] in (own_sectors or {}):
        raise CatalogError(f"sector {sectors[0]!r} is outside the catalog: choose the site's type")
    first = catalog.sector(sectors[0], industry_entry).sector if sectors and not site_type else None
    chosen_type = site_type or (first.site_types[0] if first else "blog")
    _, resolved = resolve_sectors(catalog, industry_entry.slug, sectors, chosen_type, own=own_sectors)
    if plan_limit_default is not None:
        check_site_limit(conn, account_id=account_id, default_plan=plan_limit_default)
    site = create_site(
        conn,
        account_id=account_id,
        name=name,
        url=check_url(url),
        site_type=chosen_type,
        industry=industry_entry.slug,
        sectors=[s.slug for s in resolved],
    )
    return NewSite(site, issue_key(conn, account_id=account_id, site_id=site.id, label="site"))


def create_site_on_template(
    conn: psycopg.Connection,
    catalog: Catalog,
    *,
    account_id: int,
    name: str,
    url: str | None,
    sector: SectorInfo,
    template: SectorTemplate,
    plan_limit_default: str | None = None,
) -> NewSite:
    """Store ``template`` as the account's template for ``sector`` (a sector outside the catalog, reusable by
    the account's other sites) and create a site on it, in the caller's one transaction: a refusal stores
    neither."""
    save_sector_template(conn, template, account_id=account_id, name=sector.name)
    return create_site_with_key(
        conn,
        catalog,
        account_id=account_id,
        name=name,
        url=url,
        industry=template.industry,
        sectors=[sector.slug],
        site_type=sector.site_types[0],
        plan_limit_default=plan_limit_default,
        own_sectors={sector.slug: template.industry},
    )
