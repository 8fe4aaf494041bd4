"""Check what a person asked for (industry, sectors, site type, business file) before any work starts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import yaml
from pydantic import ValidationError

from igny8.catalog.custom_sectors import resolve_sector, sector_info
from igny8.catalog.loader import Catalog, CatalogError
from igny8.domain.business import BusinessDetails
from igny8.domain.catalog import SITE_TYPES, Industry, SectorInfo
from igny8.tools.sag.attribute_population import MAX_SECTORS

MAX_BUSINESS_FILE_BYTES = 256 * 1024


def resolve_sectors(
    catalog: Catalog,
    industry_name: str,
    sector_names: list[str],
    site_type: str,
    *,
    allow_custom: bool = False,
    own: Mapping[str, str] | None = None,
) -> tuple[Industry, list[SectorInfo]]:
    """The industry and sectors asked for; with ``allow_custom`` a name that is neither in the catalog nor a
    typo of a catalog sector becomes a sector outside the catalog (custom_sectors.py). ``own`` maps the slugs
    of sectors outside the catalog the account has a stored template for to that template's industry: those
    are accepted as they are in their own industry."""
    if site_type not in SITE_TYPES:
        raise CatalogError(f"unknown site type {site_type!r}; choose one of {', '.join(SITE_TYPES)}")
    if not sector_names:
        raise CatalogError("name at least one sector with --sector")
    if len(sector_names) > MAX_SECTORS:
        raise CatalogError(f"a site has at most {MAX_SECTORS} sectors; {len(sector_names)} were given")
    industry = catalog.industry(industry_name)
    if allow_custom:
        sectors = [resolve_sector(catalog, industry, name, site_type) for name in sector_names]  # type: ignore[arg-type]
    else:
        own = own or {}
        sectors = [
            sector_info(catalog, name, site_type)  # type: ignore[arg-type]
            if own.get(name) == industry.slug
            else catalog.sector(name, industry).sector
            for name in sector_names
        ]
    slugs = [s.slug for s in sectors]
    repeated = sorted({s for s in slugs if slugs.count(s) > 1})
    if repeated:
        raise CatalogError(f"sector {', '.join(repeated)} is named more than once")
    return industry, sectors


def validation_errors(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(top level)'}: {e['msg']}" for e in exc.errors()[:10])


def read_mapping_file(path: Path, what: str, keys_hint: str) -> dict[str, object]:
    """A YAML or JSON file holding one mapping; every problem is reported with what to fix."""
    if not path.is_file():
        raise CatalogError(f"{what} {path} does not exist")
    if path.stat().st_size > MAX_BUSINESS_FILE_BYTES:
        raise CatalogError(f"{what} {path} is larger than {MAX_BUSINESS_FILE_BYTES // 1024} KiB")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{what} {path} is not UTF-8 text") from exc
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as exc:
        raise CatalogError(f"{what} {path} is not valid {'JSON' if path.suffix == '.json' else 'YAML'}: {exc}") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise CatalogError(f"{what} {path} must hold a mapping with keys like {keys_hint}")
    return data


def load_business_file(path: Path) -> BusinessDetails:
    """Read a YAML or JSON business file; every problem is reported with the field to fix."""
    data = read_mapping_file(path, "business file", "products, services, brands, locations, problems, exclude")
    try:
        return BusinessDetails.model_validate(data)
    except ValidationError as exc:
        raise CatalogError(f"business file {path}: {validation_errors(exc)}") from exc
