import pytest

from igny8.llm import fake
from igny8.memory.blueprints import get_blueprint
from igny8.services import Services
from igny8.stages.optimize import optimise_page, score_site
from igny8.tools.content.readability import reading_ease
from igny8.tools.seo.content_scoring import score_content
from igny8.workflows.pipeline_run import run_pipeline

DIMENSIONS = [
    "keyword_coverage",
    "heading_structure",
    "intent_match",
    "readability",
    "schema_metadata",
    "link_compliance",
]


def test_score_has_six_explained_dimensions() -> None:
    document = (
        '<article><h1>Dental Implants Cost</h1><section id="a"><h2>Dental implants cost explained</h2>'
        "<p>Dental implants cost less than you think. Most clinics offer plans. Ask for a quote.</p></section>"
        "</article>"
    )
    score = score_content(
        document=document,
        title="Dental Implants Cost",
        description="x" * 100,
        structure="article",
        targets=["dental implants cost"],
        intents=["commercial"],
        cluster_keywords=["dental implants cost", "dental implant recovery"],
        subtopics=["Dental implants cost"],
        hub_slug="dental-implants",
    )
    assert [d.name for d in score.dimensions] == DIMENSIONS
    assert sum(d.out_of for d in score.dimensions) == 100
    assert 0 <= score.total <= 100 and all(d.why for d in score.dimensions)
    assert score.dimension("intent_match").points == 5  # an article for a commercial keyword
    assert "missing the link to its hub" in score.dimension("link_compliance").why


def test_reading_ease_prefers_short_plain_sentences() -> None:
    assert reading_ease("Cats sit. Dogs run. We eat.") > reading_ease(
        "Notwithstanding considerable organisational complexity, comprehensive implementation necessitates deliberation."
    )


@pytest.fixture()
def written_site(runtime: Services, active_site: tuple[int, int]) -> tuple[int, int]:
    account, site = active_site
    run_pipeline(runtime, account_id=account, site_id=site, limit=6)
    return account, site


def _lowest(runtime: Services, account: int, site: int):  # type: ignore[no-untyped-def]
    with runtime.database.connection() as conn:
        blueprint = get_blueprint(conn, account_id=account, site_id=site)
    row, score = score_site(runtime.database, site_id=site, blueprint=blueprint)[0]
    return blueprint, row, score


def test_a_rewrite_that_lowers_the_score_is_rejected(runtime: Services, written_site: tuple[int, int]) -> None:
    account, site = written_site
    blueprint, row, _ = _lowest(runtime, account, site)
    worse = (
        "Notwithstanding multitudinous organisational considerations, comprehensive implementation "
        "necessitates extraordinarily deliberate institutional coordination across innumerable stakeholders"
    )
    with fake.override(fake.ScriptedModel(default=worse)):
        result = optimise_page(
            runtime.database, runtime.gateway, account_id=account, site_id=site, blueprint=blueprint, row=row
        )
    assert not result.accepted and result.after <= result.before
    with runtime.database.connection() as conn:
        stored = conn.execute("SELECT html, meta FROM content WHERE id = %s", (row["id"],)).fetchone()
    assert stored["html"] == row["html"], "a rejected rewrite leaves the page as it was"
    assert stored["meta"]["optimization"][-1]["accepted"] is False


def test_a_better_rewrite_is_kept_with_before_and_after(runtime: Services, written_site: tuple[int, int]) -> None:
    account, site = written_site
    blueprint, row, before = _lowest(runtime, account, site)
    keywords = ", ".join(blueprint.pages[[p.slug for p in blueprint.pages].index(row["slug"])].target_keywords)
    better = (
        f"This page covers {keywords}. Each point is short. Each point is clear. "
        "You can read it fast. You can act on it today."
    )
    with fake.override(fake.ScriptedModel(default=better)):
        result = optimise_page(
            runtime.database, runtime.gateway, account_id=account, site_id=site, blueprint=blueprint, row=row
        )
    assert result.accepted and result.after > result.before == before.total
    with runtime.database.connection() as conn:
        meta = conn.execute("SELECT meta FROM content WHERE id = %s", (row["id"],)).fetchone()["meta"]
    history = meta["optimization"][-1]
    assert history["before"] == result.before and history["after"] == result.after
    assert {d["name"] for d in history["dimensions_after"]} == set(DIMENSIONS)
