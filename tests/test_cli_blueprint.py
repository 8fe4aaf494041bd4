import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from igny8.tools.sag.review_commands import parse_review_lines


def igny8(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "IGNY8_DATA_DIR": str(data_dir), "IGNY8_EMBEDDER": "fake", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "igny8", *args], capture_output=True, text=True, timeout=300, env=env)


def site_count(pg_maintenance_url: str) -> int:
    info = psycopg.conninfo.conninfo_to_dict(pg_maintenance_url)
    info["dbname"] = "postgres"
    with psycopg.connect(psycopg.conninfo.make_conninfo(**info), autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'igny8'").fetchone():
            return 0
    info["dbname"] = "igny8"
    with psycopg.connect(psycopg.conninfo.make_conninfo(**info)) as conn:
        return conn.execute("SELECT count(*) FROM sites").fetchone()[0]


CREATE = ["blueprint", "create", "--site-type", "local_service", "--yes"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--industry", "helthcare", "--sector", "dental-clinics"], "Did you mean: healthcare-medical"),
        (["--industry", "healthcare-medical", "--sector", "dentl-clinics"], "Did you mean: dental-clinics"),
        (
            ["--industry", "healthcare-medical", "--sector", "plumbing-services"],
            "unknown sector 'plumbing-services' in industry",
        ),
        (
            ["--industry", "healthcare-medical"] + [a for s in ["dental-clinics"] * 6 for a in ("--sector", s)],
            "at most 5 sectors",
        ),
        (
            ["--industry", "healthcare-medical", "--sector", "dental-clinics", "--sector", "dental-clinics"],
            "named more than once",
        ),
    ],
)
def test_bad_requests_are_refused_before_anything_is_written(
    data_dir: Path, pg_maintenance_url: str, args: list[str], message: str
) -> None:
    before = site_count(pg_maintenance_url)
    done = igny8(data_dir, *CREATE, *args)
    assert done.returncode == 2
    assert message in " ".join(done.stderr.split())
    assert site_count(pg_maintenance_url) == before


@pytest.mark.parametrize(
    ("content", "suffix", "message"),
    [
        ("services: [Implants", ".yaml", "is not valid YAML"),
        ('{"services": ["Implants"],}', ".json", "is not valid JSON"),
        ("- just\n- a list\n", ".yaml", "must hold a mapping"),
        ("servics: [Implants]\n", ".yaml", "servics: Extra inputs are not permitted"),
        ("services: [x]\n", ".yaml", "services.0: Value error, must be at least 2 characters"),
    ],
)
def test_malformed_business_files(
    data_dir: Path, pg_maintenance_url: str, tmp_path: Path, content: str, suffix: str, message: str
) -> None:
    path = tmp_path / f"business{suffix}"
    path.write_text(content)
    before = site_count(pg_maintenance_url)
    done = igny8(
        data_dir, *CREATE, "--industry", "healthcare-medical", "--sector", "dental-clinics", "--business", str(path)
    )
    assert done.returncode == 2
    assert message in " ".join(done.stderr.split())
    assert site_count(pg_maintenance_url) == before


def test_create_list_show_export(data_dir: Path, tmp_path: Path) -> None:
    business = tmp_path / "business.yaml"
    business.write_text(
        "name: Bright Smile\nservices: [Invisalign, Dental Implants, Teeth Whitening, Veneers]\n"
        "locations: [Austin, Round Rock, Cedar Park, Georgetown]\n"
    )
    done = igny8(
        data_dir,
        *CREATE,
        "--industry",
        "Healthcare & Medical",
        "--sector",
        "Dental Clinics",
        "--business",
        str(business),
        "--json",
    )
    assert done.returncode == 0, done.stderr
    blueprint = json.loads(done.stdout)
    assert blueprint["status"] == "active" and blueprint["site_type"] == "local_service"
    assert "✓" in done.stderr  # progress went to stderr, the JSON alone to stdout
    location = next(a for a in blueprint["attributes"] if a["kind"] == "location")
    assert location["values"] == ["Austin", "Round Rock", "Cedar Park", "Georgetown"]
    assert any("in austin" in k["text"] for c in blueprint["clusters"] for k in c["keywords"])
    site = str(blueprint["site_id"])

    listed = json.loads(igny8(data_dir, "blueprint", "list", "--site", site, "--json").stdout)
    assert [(b["version"], b["status"]) for b in listed] == [(1, "active")]

    out = tmp_path / "export.json"
    assert igny8(data_dir, "blueprint", "export", "--site", site, "--out", str(out)).returncode == 0
    assert json.loads(out.read_text())["id"] == blueprint["id"]

    missing = igny8(data_dir, "blueprint", "show", "--site", site, "--version", "9")
    assert missing.returncode == 2 and "has no blueprint version 9" in missing.stderr


def test_review_lines_parse_into_edits() -> None:
    answer = parse_review_lines(
        [
            "remove value treatment Dentures",
            "rename value treatment Invisalign = Clear Aligners",
            "add attribute Clinic Amenity secondary feature = Parking, Wifi, Late Hours, Kids Room",
            "rename cluster dental-implants = Implants",
        ]
    )
    assert answer["approve"] is False
    assert answer["attribute_edits"][1] == {
        "op": "rename_value",
        "attribute": "treatment",
        "value": "Invisalign",
        "new_name": "Clear Aligners",
    }
    assert answer["attribute_edits"][2]["values"] == ["Parking", "Wifi", "Late Hours", "Kids Room"]
    assert answer["cluster_edits"] == [{"op": "rename", "cluster": "dental-implants", "new_name": "Implants"}]
    assert parse_review_lines([])["approve"] is True
    with pytest.raises(ValueError, match="cannot read"):
        parse_review_lines(["frobnicate everything"])
