"""What build_brief hands the writer: compared values as the blueprint names them, real comparison cells,
and no invented steps."""

from __future__ import annotations

import pytest

from igny8.domain.blueprint import Blueprint
from igny8.evals.page_sources import dental_blueprint
from igny8.llm.embedder import FakeEmbedder
from igny8.stages.briefs import build_brief, comparison_rows


@pytest.fixture(scope="module")
def blueprint() -> Blueprint:
    return dental_blueprint(FakeEmbedder())


def test_comparison_briefs_carry_real_cells(blueprint: Blueprint) -> None:
    pages = [p for p in blueprint.pages if p.structure == "comparison"]
    assert pages
    values = {v for a in blueprint.attributes for v in a.values}
    for page in pages:
        brief = build_brief(blueprint, page)
        assert len(brief["compared"]) == 2 and set(brief["compared"]) <= values  # no "Bonding Cost"
        for row in brief["comparison_rows"]:
            assert len(row["cells"]) == 2 and all(row["cells"])
            assert "See below" not in row["cells"]


def test_rows_need_a_fact_for_every_value(blueprint: Blueprint) -> None:
    assert comparison_rows(blueprint, ["Dental Crowns"]) == []
    rows = comparison_rows(blueprint, ["Dental Crowns", "Not A Value Anywhere"])
    assert rows == []


def test_briefs_invent_no_steps(blueprint: Blueprint) -> None:
    for page in blueprint.pages[:40]:
        assert build_brief(blueprint, page)["steps"] == []
