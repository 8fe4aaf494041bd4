"""The dental site most pipeline tests start from: an account, a site and its blueprint, built without
review and activated; and its version 2, which drops one treatment."""

from __future__ import annotations

from igny8.graphs.site_build import BuildRequest, SiteBuildContext, build_active_site, build_without_review
from igny8.memory.blueprints import activate_blueprint
from igny8.memory.tenancy import create_account
from igny8.services import Services

INDUSTRY, SECTOR, SITE_TYPE = "healthcare-medical", "dental-clinics", "local_service"


def new_dental_site(services: Services, *, name: str = "Bright Smile") -> tuple[int, int]:
    """(account id, site id) of a new dental site with an active blueprint v1."""
    with services.database.connection() as conn:
        account = create_account(conn, name=f"{name} tenant")
    site = build_active_site(
        SiteBuildContext.of(services),
        account_id=account,
        industry=INDUSTRY,
        sectors=[SECTOR],
        site_type=SITE_TYPE,
        site_name=name,
    )
    return account, site


def activate_version_without(services: Services, account: int, site: int, excluded: list[str]) -> int:
    """Build the site's next blueprint version with ``excluded`` values pruned, activate it, return it."""
    request = BuildRequest(
        account_id=account,
        site_id=site,
        site_name="Bright Smile",
        industry=INDUSTRY,
        sectors=[SECTOR],
        site_type=SITE_TYPE,
        business={"exclude": excluded},
        auto_approve=True,
    )
    version = int(build_without_review(SiteBuildContext.of(services), request)["version"])
    with services.database.connection() as conn:
        activate_blueprint(conn, account_id=account, site_id=site, version=version)
    return version
