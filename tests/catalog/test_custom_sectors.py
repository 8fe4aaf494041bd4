import json
from pathlib import Path

import pytest
import yaml

from igny8.catalog.build_request import resolve_sectors
from igny8.catalog.loader import CatalogError, load_catalog
from igny8.catalog.template_file import load_template_file
from igny8.domain.catalog import SectorInfo

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "templates" / "axe-throwing-venues.yaml"
AXE = SectorInfo(slug="axe-throwing-venues", name="Axe Throwing Venues", site_types=["local_service"])


def test_a_new_niche_gets_its_own_sector_but_typos_and_other_industries_are_refused() -> None:
    catalog = load_catalog()
    _, sectors = resolve_sectors(
        catalog, "entertainment-media", ["Axe Throwing Venues"], "local_service", allow_custom=True
    )
    assert sectors == [AXE]
    with pytest.raises(CatalogError, match="Did you mean: dental-clinics"):
        resolve_sectors(catalog, "healthcare-medical", ["dentl-clinics"], "local_service", allow_custom=True)
    with pytest.raises(CatalogError, match="unknown sector 'plumbing-services' in industry"):
        resolve_sectors(catalog, "healthcare-medical", ["plumbing-services"], "local_service", allow_custom=True)
    with pytest.raises(CatalogError, match="must be 2–100 characters"):
        resolve_sectors(catalog, "entertainment-media", ["<script>"], "local_service", allow_custom=True)
    with pytest.raises(CatalogError, match="unknown sector"):  # without allow_custom nothing changes
        resolve_sectors(catalog, "entertainment-media", ["Axe Throwing Venues"], "local_service")


def test_the_example_template_file_loads_as_user_contributed() -> None:
    template = load_template_file(EXAMPLE, industry="entertainment-media", sectors=[AXE])
    assert template.source == "user_contributed" and template.sector == "axe-throwing-venues"


def _write(tmp_path: Path, data: object, name: str = "t.yaml") -> Path:
    path = tmp_path / name
    if not isinstance(data, str):
        data = json.dumps(data) if name.endswith(".json") else yaml.safe_dump(data)
    path.write_text(data)
    return path


def test_template_file_problems_say_what_to_fix(tmp_path: Path) -> None:
    good = yaml.safe_load(EXAMPLE.read_text())
    load = lambda p: load_template_file(p, industry="entertainment-media", sectors=[AXE])  # noqa: E731

    with pytest.raises(CatalogError, match="is not valid YAML"):
        load(_write(tmp_path, "attributes: [unclosed"))
    with pytest.raises(CatalogError, match="must hold a mapping"):
        load(_write(tmp_path, "- a\n- b\n"))
    wrong_level = {**good, "attributes": [{**good["attributes"][0], "level": "first"}, *good["attributes"][1:]]}
    with pytest.raises(CatalogError, match=r"attributes\.0\.level: Input should be 'primary'"):
        load(_write(tmp_path, wrong_level))
    with pytest.raises(CatalogError, match="is for industry 'healthcare-medical'"):
        load(_write(tmp_path, {**good, "industry": "healthcare-medical"}))
    with pytest.raises(CatalogError, match="is for sector 'bowling'"):
        load(_write(tmp_path, {**good, "sector": "bowling"}))
    broken = {**good, "attributes": [{**a, "level": "primary"} for a in good["attributes"]]}
    broken["attributes"][1]["values"] = ["Birthday Party"] * 3
    with pytest.raises(CatalogError) as refused:
        load(_write(tmp_path, broken))
    message = str(refused.value)
    assert "5 primary attributes; needs 2–3" in message  # every violation listed, not just the first
    assert "has 3 values; needs 4–12" in message and "'birthday party' appears 3 times" in message
    missing_sector = {k: v for k, v in good.items() if k not in {"sector", "industry"}}
    assert load(_write(tmp_path, missing_sector, "t.json")).sector == "axe-throwing-venues"
