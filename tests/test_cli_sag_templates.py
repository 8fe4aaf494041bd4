"""`igny8 blueprint create` for a niche outside the catalog: from a template file the user writes, reused by
the account's next site; with only the embedded model and no template, an answer that says what to do."""

import json
from pathlib import Path

import pytest
import typer
import yaml

from igny8.catalog.loader import load_catalog
from igny8.cli.catalog import catalog_template
from igny8.domain.catalog import SectorTemplate
from igny8.tools.sag.topic_names import is_value_list
from tests.test_cli_blueprint import igny8, site_count

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "templates" / "axe-throwing-venues.yaml"
AXE = ["blueprint", "create", "--industry", "entertainment-media", "--sector", "Axe Throwing Venues"]
AXE += ["--site-type", "local_service", "--yes"]


def test_without_a_template_the_embedded_model_answer_says_what_to_do(data_dir: Path, pg_maintenance_url: str) -> None:
    before = site_count(pg_maintenance_url)
    done = igny8(data_dir, *AXE)
    message = " ".join(done.stderr.split())
    assert done.returncode == 2 and "Traceback" not in done.stderr.split("Exception ignored")[0]
    assert "is too small to design one" in message
    assert "IGNY8_ARCHITECT_MODEL" in message and "--template FILE" in message
    assert site_count(pg_maintenance_url) == before


def test_a_broken_template_file_lists_every_violation(data_dir: Path, pg_maintenance_url: str, tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE.read_text())
    data["attributes"][0]["values"] = data["attributes"][0]["values"][:2]
    data["keyword_templates"] = data["keyword_templates"][:5]
    broken = tmp_path / "broken.yaml"
    broken.write_text(yaml.safe_dump(data))
    before = site_count(pg_maintenance_url)
    done = igny8(data_dir, *AXE, "--template", str(broken))
    message = " ".join(done.stderr.split())
    assert done.returncode == 2
    assert "has 2 values; needs 4–12" in message and "5 keyword templates; needs 8–40" in message
    assert site_count(pg_maintenance_url) == before


def test_a_user_template_builds_the_niche_end_to_end_and_is_reused(data_dir: Path) -> None:
    done = igny8(data_dir, *AXE, "--template", str(EXAMPLE), "--json")
    assert done.returncode == 0, done.stderr
    blueprint = json.loads(done.stdout)
    assert blueprint["status"] == "active" and blueprint["sectors"] == ["axe-throwing-venues"]
    assert blueprint["keyword_count"] >= 300 and len(blueprint["clusters"]) >= 10
    values = {v for a in blueprint["attributes"] for v in a["values"]}
    assert not [c["name"] for c in blueprint["clusters"] if is_value_list(c["name"], values)]
    assert "Venue Amenities" in {c["name"] for c in blueprint["clusters"]}

    again = igny8(data_dir, *AXE, "--json")  # the account's next site: the stored template, no file
    assert again.returncode == 0, again.stderr
    second = json.loads(again.stdout)
    assert second["site_id"] != blueprint["site_id"] and second["keyword_count"] == blueprint["keyword_count"]


def test_catalog_template_prints_a_starting_point(capsys: pytest.CaptureFixture[str]) -> None:
    catalog_template("Dental Clinics", as_json=False)
    printed = SectorTemplate.model_validate(yaml.safe_load(capsys.readouterr().out))
    assert printed == load_catalog().template("dental-clinics")
    with pytest.raises(typer.Exit) as refused:
        catalog_template("dentl-clinics", as_json=False)
    assert refused.value.exit_code == 2 and "Did you mean: dental-clinics" in " ".join(capsys.readouterr().err.split())
