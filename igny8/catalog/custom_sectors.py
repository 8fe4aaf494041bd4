"""Sectors outside the catalog: a niche the person names ("Axe Throwing Venues") gets a slug and a sector
entry of its own, unless the name is a typo of a catalog sector or a sector of another industry (those are
refused with the catalog's hints). Its template comes from a file, the account's stored templates or the
architect agent."""

from __future__ import annotations

import difflib
import re
import unicodedata

from igny8.catalog.loader import Catalog, CatalogError
from igny8.domain.catalog import Industry, SectorInfo, SiteType

TYPO_CUTOFF = 0.85  # a name this close to a catalog sector is taken for a typo of it, not a new niche
_NAME = re.compile(r"^[^\W_][\w &'’.,+/-]*$")


def sector_slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:80].strip("-")


def custom_sector(name: str, site_type: SiteType) -> SectorInfo:
    name = " ".join(name.split())
    slug = sector_slug(name)
    if not 2 <= len(name) <= 100 or not _NAME.match(name) or len(slug) < 2:
        raise CatalogError(
            f"sector name {name!r} must be 2–100 characters of letters, digits and spaces "
            "(for example 'Axe Throwing Venues')"
        )
    return SectorInfo(slug=slug, name=name, site_types=[site_type])


def sector_info(catalog: Catalog, slug: str, site_type: SiteType) -> SectorInfo:
    """The catalog's entry of a sector, or one for a sector outside the catalog named from its slug."""
    try:
        return catalog.sector(slug).sector
    except CatalogError:
        return custom_sector(slug.replace("-", " ").title(), site_type)


def sector_display_name(catalog: Catalog, slug: str) -> str:
    """The catalog's name of a sector, or a readable name from the slug of one outside the catalog."""
    try:
        return catalog.sector(slug).sector.name
    except CatalogError:
        return slug.replace("-", " ").title()


def _in_catalog(catalog: Catalog, name: str) -> bool:
    try:
        catalog.sector(name)
    except CatalogError:
        return False
    return True


def resolve_sector(catalog: Catalog, industry: Industry, name: str, site_type: SiteType) -> SectorInfo:
    """The catalog's sector of that name in ``industry``, or a sector outside the catalog."""
    try:
        return catalog.sector(name, industry).sector
    except CatalogError as refusal:
        key = name.strip().lower()
        if _in_catalog(catalog, key):  # a sector of another industry: a mistake, not a new niche
            raise
        known = [s.slug for s in industry.sectors] + [s.name.lower() for s in industry.sectors]
        if difflib.get_close_matches(key, known, n=1, cutoff=TYPO_CUTOFF) or sector_slug(name) in known:
            raise refusal from None
        return custom_sector(name, site_type)
