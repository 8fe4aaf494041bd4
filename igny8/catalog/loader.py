"""Load the catalog (45 industries, their sectors) and the authored sector attribute templates."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from pydantic import ValidationError

from igny8.domain.catalog import Industry, SectorInfo, SectorTemplate

_DATA = "igny8.catalog.data"


class CatalogError(ValueError):
    """A name that is not in the catalog, or a data file that does not load; the message says what to do."""


def close_matches(name: str, choices: list[str], limit: int = 3) -> list[str]:
    lowered = {c.lower(): c for c in choices}
    found = difflib.get_close_matches(name.lower(), list(lowered), n=limit, cutoff=0.5)
    if len(found) < limit:  # a word inside a longer name ("dental" → "dental-clinics")
        found += [c for c in lowered if name.lower() in c and c not in found][: limit - len(found)]
    return [lowered[f] for f in found]


@dataclass(frozen=True)
class SectorEntry:
    industry: Industry
    sector: SectorInfo


class Catalog:
    def __init__(self, industries: list[Industry], templates: dict[str, SectorTemplate]) -> None:
        self.industries = industries
        self.templates = templates
        self._industries = {i.slug: i for i in industries}
        self._sectors: dict[str, SectorEntry] = {}
        for industry in industries:
            for sector in industry.sectors:
                self._sectors.setdefault(sector.slug, SectorEntry(industry, sector))

    @property
    def sector_count(self) -> int:
        return sum(len(i.sectors) for i in self.industries)

    def industry(self, name: str) -> Industry:
        key = name.strip().lower()
        found = self._industries.get(key) or next((i for i in self.industries if i.name.lower() == key), None)
        if found is None:
            hints = close_matches(key, list(self._industries) + [i.name for i in self.industries])
            hint = f" Did you mean: {', '.join(hints)}?" if hints else " See `igny8 catalog industries`."
            raise CatalogError(f"unknown industry {name!r}.{hint}")
        return found

    def sector(self, name: str, industry: Industry | None = None) -> SectorEntry:
        key = name.strip().lower()
        entry = self._sectors.get(key) or next(
            (e for e in self._sectors.values() if e.sector.name.lower() == key), None
        )
        pool = industry.sectors if industry else [e.sector for e in self._sectors.values()]
        if entry is None or (industry is not None and entry.industry.slug != industry.slug):
            hints = close_matches(key, [s.slug for s in pool] + [s.name for s in pool])
            where = f" in industry {industry.slug!r}" if industry else ""
            hint = (
                f" Did you mean: {', '.join(hints)}?"
                if hints
                else (f" See `igny8 catalog sectors --industry {industry.slug}`." if industry else "")
            )
            raise CatalogError(f"unknown sector {name!r}{where}.{hint}")
        return entry

    def template(self, sector_slug: str) -> SectorTemplate | None:
        return self.templates.get(sector_slug)


def _read_json(entry: resources.abc.Traversable) -> object:
    try:
        return json.loads(entry.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CatalogError(f"{entry.name}: not valid JSON ({exc})") from exc


def load_industries() -> list[Industry]:
    folder = resources.files(_DATA).joinpath("industries")
    industries = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".json"):
            try:
                industries.append(Industry.model_validate(_read_json(entry)))
            except ValidationError as exc:
                raise CatalogError(f"industries/{entry.name}: {exc}") from exc
    return sorted(industries, key=lambda i: i.name)


def load_template_files() -> tuple[dict[str, SectorTemplate], list[str]]:
    """Every authored template, and a message for each file that does not even parse."""
    folder = resources.files(_DATA).joinpath("templates")
    templates: dict[str, SectorTemplate] = {}
    problems: list[str] = []
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".json"):
            continue
        try:
            template = SectorTemplate.model_validate(_read_json(entry))
        except (ValidationError, CatalogError) as exc:
            problems.append(f"templates/{entry.name}: {exc}")
            continue
        if template.sector != entry.name.removesuffix(".json"):
            problems.append(f"templates/{entry.name}: file name does not match sector {template.sector!r}")
            continue
        templates[template.sector] = template
    return templates, problems


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    templates, _ = load_template_files()
    return Catalog(load_industries(), templates)
