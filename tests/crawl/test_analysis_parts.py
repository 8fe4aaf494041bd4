"""The analysis's parts that need no database: its graph's topology, recovered attributes grounded in the
pages, and the command line's refusals (a message that says what to fix, never a traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from igny8.agents.site_reader import PageForModel, RecoveredAttribute, _grounded
from igny8.graphs import site_analysis

SNAPSHOT = Path(__file__).parent / "topology" / "site_analysis.mmd"


def test_graph_topology_matches_its_snapshot() -> None:
    assert site_analysis.build_graph().get_graph().draw_mermaid() == SNAPSHOT.read_text()


def test_recovered_values_must_be_named_by_some_pages_but_not_most() -> None:
    pages = [
        PageForModel(f"https://x.test/{n}", title, ["What to expect", "Cost"], "")
        for n, title in enumerate(["Dentist in Austin", "Dentist in Round Rock", "Invisalign", "Veneers"])
    ]
    answer = [
        RecoveredAttribute(name="Location", values=["Austin", "Round Rock", "Cedar Park"]),
        RecoveredAttribute(name="Headings", values=["What to expect", "Cost"]),
        RecoveredAttribute(name="Section", values=["What to expect", "Cost"]),
        RecoveredAttribute(name="Treatment", values=["Invisalign", "Veneers"]),
    ]
    kept, refused = _grounded(answer, pages, ["Treatment"])
    assert kept == [RecoveredAttribute(name="Location", values=["Austin", "Round Rock"])]
    assert "Location: 'Cedar Park' is not named by any page" in refused
    assert "Section: 'What to expect' is on most pages (site furniture, not a value)" in refused
    assert any(r.startswith("Headings:") for r in refused) and any(r.startswith("Treatment:") for r in refused)


def _igny8(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "IGNY8_DATA_DIR": str(data_dir), "IGNY8_EMBEDDER": "fake", "COLUMNS": "200"}
    env.pop("IGNY8_CRAWL_ALLOW_PRIVATE", None)
    return subprocess.run([sys.executable, "-m", "igny8", *args], capture_output=True, text=True, timeout=300, env=env)


def test_cli_refuses_a_metadata_address_and_a_bad_keyword_file(data_dir: Path, tmp_path: Path) -> None:
    done = _igny8(data_dir, "site", "crawl", "--site", "1", "--url", "http://169.254.169.254/latest/meta-data/")
    text = " ".join(done.stderr.split())
    assert done.returncode == 2 and "Traceback" not in done.stderr
    # No site 1 in a fresh database, or the address refused: either way a message, never a request.
    assert "refused to connect to 169.254.169.254: a cloud metadata address" in text or "site 1 not found" in text
    bad = tmp_path / "queries.csv"
    bad.write_bytes(b"Query,Clicks\ninvisalign,3\n,4\nveneers,many\n")
    done = _igny8(data_dir, "keywords", "import", "--site", "1", str(bad))
    text = " ".join(done.stderr.split())
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "line 3: the keyword is empty" in text and "line 4: Clicks 'many' is not a number" in text
