"""Stages never undo each other: the optimizer keeps the linking stage's links (and the links table stays
true), schema enhancement is idempotent and takes HowTo steps only from real steps, review never moves a
published page back, and the plugin queue never re-offers a page already published over REST."""

from collections import Counter
from typing import Any

import extruct
import pytest
from fastapi.testclient import TestClient
from selectolax.lexbor import LexborHTMLParser

from igny8.llm import fake
from igny8.memory.api_keys import issue_key
from igny8.memory.blueprints import get_blueprint
from igny8.services import Services
from igny8.stages.enhance import enhance_site
from igny8.stages.optimize import optimise_page, score_site
from igny8.workflows.pipeline_run import run_pipeline

REWRITABLE = "section[id]:not(#faq) > h2:first-child + p:not([class])"


def _tree(document: str) -> LexborHTMLParser:
    return LexborHTMLParser("<body>" + document)


def _internal_hrefs(document: str) -> Counter[str]:
    return Counter(
        a.attributes["href"]
        for a in _tree(document).css("a[href]")
        if (a.attributes["href"] or "").startswith("/") and not (a.attributes["href"] or "").startswith("//")
    )


def _rows(runtime: Services, site: int) -> list[dict[str, Any]]:
    with runtime.database.connection() as conn:
        return conn.execute(
            "SELECT id, slug, title, html, meta, status FROM content WHERE site_id = %s ORDER BY id", (site,)
        ).fetchall()


def _table_targets(runtime: Services, content_id: int) -> Counter[str]:
    with runtime.database.connection() as conn:
        rows = conn.execute(
            "SELECT c.slug FROM links l JOIN content c ON c.id = l.target_content_id WHERE l.source_content_id = %s",
            (content_id,),
        ).fetchall()
    return Counter(f"/{r['slug']}/" for r in rows)


@pytest.fixture()
def built_site(runtime: Services, active_site: tuple[int, int]) -> tuple[int, int]:
    account, site = active_site
    run_pipeline(runtime, account_id=account, site_id=site, limit=18)
    return account, site


# Prose that names the other pages' topics in the later sections (the lead repeats the first section), so
# the linking stage places links inside paragraphs the optimizer rewrites.
LINKABLE_PROSE = (
    "Our clinic offers teeth whitening, dental implants, invisalign, root canal care, porcelain veneers and "
    "braces for every patient. Each visit starts with a clear plan and an honest price. You can book a visit "
    "today and ask any question you have about your smile."
)
PLAIN_PROSE = (
    "Each visit starts with a clear plan and an honest price. Our team explains every option in plain words. "
    "You can book a visit today and ask any question you have about your smile and your budget."
)


def _writer_prose(messages: list[dict[str, Any]]) -> str:
    prompt = messages[-1]["content"]
    return LINKABLE_PROSE if any(s in prompt for s in ("How to Choose", "Pricing and Options")) else PLAIN_PROSE


@pytest.fixture()
def linked_site(runtime: Services, active_site: tuple[int, int]) -> tuple[int, int]:
    account, site = active_site
    with fake.override(fake.ScriptedModel(default=_writer_prose)):
        run_pipeline(runtime, account_id=account, site_id=site, limit=18)
    return account, site


def test_an_accepted_optimizer_rewrite_keeps_every_internal_link(
    runtime: Services, linked_site: tuple[int, int]
) -> None:
    account, site = linked_site
    with runtime.database.connection() as conn:
        blueprint = get_blueprint(conn, account_id=account, site_id=site)
    plan = {p.slug: p for p in blueprint.pages}
    scored = [row for row, _ in score_site(runtime.database, site_id=site, blueprint=blueprint)]
    # Pages whose rewritable paragraphs hold links the linking stage placed: the rewrite touches them.
    exposed = [r for r in scored if any(p.css("a[href]") for p in _tree(r["html"]).css(REWRITABLE))]
    assert exposed, "the fixture site should have links inside rewritable paragraphs"
    assert all(_internal_hrefs(r["html"]) == _table_targets(runtime, r["id"]) for r in scored)
    accepted = 0
    for row in exposed[:3]:
        anchors = [a.text() for p in _tree(row["html"]).css(REWRITABLE) for a in p.css("a[href]")]
        better = (
            f"This page covers {', '.join(plan[row['slug']].target_keywords)}. Each point is short. "
            f"Each point is clear. You can read it fast. You can act on it today. See {anchors[0]} too."
        )
        before = _internal_hrefs(row["html"])
        with fake.override(fake.ScriptedModel(default=better)):
            result = optimise_page(
                runtime.database, runtime.gateway, account_id=account, site_id=site, blueprint=blueprint, row=row
            )
        with runtime.database.connection() as conn:
            stored = conn.execute("SELECT html FROM content WHERE id = %s", (row["id"],)).fetchone()["html"]
        after = _internal_hrefs(stored)
        assert not (before - after), f"{row['slug']}: the rewrite dropped {before - after}"
        assert after == _table_targets(runtime, row["id"]), "the links table matches the html"
        if result.accepted:
            accepted += 1
            assert stored != row["html"]
    assert accepted, "at least one rewrite should have been kept (links re-inserted or left in place)"


def test_an_optimizer_rewrite_that_would_lose_a_link_is_refused(
    runtime: Services, linked_site: tuple[int, int]
) -> None:
    """The optimizer agent's rewrite of a linked paragraph without the anchor keeps that paragraph as it was."""
    from igny8.agents.optimizer import OptimizerAgent

    account, site = linked_site
    row = next(r for r in _rows(runtime, site) if any(p.css("a[href]") for p in _tree(r["html"]).css(REWRITABLE)))
    text = "Short clear words help every reader. " * 5
    with fake.override(fake.ScriptedModel(default=text)):
        document, _ = OptimizerAgent(runtime.gateway).rewrite(row["html"], title=row["title"], missing_keywords=[])
    assert _internal_hrefs(document) == _internal_hrefs(row["html"])


def _json_ld(document: str) -> list[dict[str, Any]]:
    return extruct.extract(document, syntaxes=["json-ld"], uniform=True)["json-ld"]


REAL_STEPS = ["Book a consultation", "Have the first treatment", "Come back for a check-up"]


def _with_real_steps(runtime: Services, site: int) -> int:
    """Give one page the steps list the writer writes when the brief holds real steps; its id."""
    row = next(r for r in _rows(runtime, site) if _tree(r["html"]).css_first("section#steps"))
    tree = _tree(row["html"])
    heading = tree.css_first("section#steps > h2")
    for node in reversed(list(_tree("<ol>" + "".join(f"<li>{s}</li>" for s in REAL_STEPS) + "</ol>").body.iter())):
        heading.insert_after(node)
    with runtime.database.connection() as conn:
        conn.execute(  # as the writer stores a page whose brief held real steps
            'UPDATE content SET html = %s, meta = meta || \'{"steps_source": "brief"}\'::jsonb WHERE id = %s',
            (tree.body.inner_html, row["id"]),
        )
    return int(row["id"])


def test_schema_enhancement_twice_is_byte_identical(runtime: Services, built_site: tuple[int, int]) -> None:
    account, site = built_site
    with runtime.database.connection() as conn:
        blueprint = get_blueprint(conn, account_id=account, site_id=site)
    stepped = _with_real_steps(runtime, site)
    enhance_site(runtime.database, account_id=account, site_id=site, blueprint=blueprint)
    first = {r["id"]: r for r in _rows(runtime, site)}
    enhance_site(runtime.database, account_id=account, site_id=site, blueprint=blueprint)
    second = {r["id"]: r for r in _rows(runtime, site)}
    enhance_site(runtime.database, account_id=account, site_id=site, blueprint=blueprint)
    third = {r["id"]: r for r in _rows(runtime, site)}
    for key, row in first.items():
        assert second[key]["html"] == row["html"], f"{row['slug']}: a second enhancement changed the page"
        assert third[key]["html"] == row["html"]
        assert second[key]["meta"]["schema_types"] == row["meta"]["schema_types"]
        steps = [li.text().strip() for li in _tree(row["html"]).css("section#steps > ol > li")]
        for block in _json_ld(row["html"]):
            if block["@type"] == "HowTo":
                assert [s["text"] for s in block["step"]] == steps, f"{row['slug']}: HowTo steps are not its steps"
            assert steps or block["@type"] != "HowTo", f"{row['slug']}: HowTo without real steps"
    howto = [b for b in _json_ld(first[stepped]["html"]) if b["@type"] == "HowTo"]
    assert [s["text"] for s in howto[0]["step"]] == REAL_STEPS


def test_howto_only_from_steps_that_came_from_the_brief(runtime: Services, built_site: tuple[int, int]) -> None:
    account, site = built_site
    with runtime.database.connection() as conn:
        blueprint = get_blueprint(conn, account_id=account, site_id=site)
    stepped = _with_real_steps(runtime, site)
    with runtime.database.connection() as conn:
        conn.execute(
            'UPDATE content SET meta = meta || \'{"steps_source": "default"}\'::jsonb WHERE id = %s', (stepped,)
        )
    enhance_site(runtime.database, account_id=account, site_id=site, blueprint=blueprint)
    row = next(r for r in _rows(runtime, site) if r["id"] == stepped)
    assert "HowTo" not in row["meta"]["schema_types"]
    assert all(b["@type"] != "HowTo" for b in _json_ld(row["html"]))


def _mark_published(runtime: Services, site: int, content_id: int, *, status: str) -> None:
    """What pipeline/publish.py records after creating the WordPress post."""
    with runtime.database.connection() as conn:
        conn.execute(
            "INSERT INTO publish_records (content_id, site_id, wp_id, wp_type, wp_link, payload_hash)"
            " VALUES (%s, %s, %s, 'posts', %s, 'x')",
            (content_id, site, 1000 + content_id, f"https://example.com/?p={content_id}"),
        )
        conn.execute("UPDATE content SET status = %s WHERE id = %s", (status, content_id))


def test_review_never_moves_a_published_page_back(runtime: Services, active_site: tuple[int, int]) -> None:
    account, site = active_site
    run_pipeline(runtime, account_id=account, site_id=site, limit=4)
    rows = _rows(runtime, site)
    _mark_published(runtime, site, rows[0]["id"], status="published")
    _mark_published(runtime, site, rows[1]["id"], status="approved")  # a record but the status lagging behind
    with runtime.database.connection() as conn:
        conn.execute("UPDATE content SET status = 'published' WHERE id = %s", (rows[2]["id"],))
    run_pipeline(runtime, account_id=account, site_id=site, limit=4, stages=["review"])
    after = {r["id"]: r["status"] for r in _rows(runtime, site)}
    assert after[rows[0]["id"]] == "published"
    assert after[rows[1]["id"]] == "published"
    assert after[rows[2]["id"]] == "published"
    assert after[rows[3]["id"]] in {"approved", "review"}


def test_the_plugin_queue_never_reoffers_a_page_published_over_rest(
    runtime: Services, active_site: tuple[int, int]
) -> None:
    from igny8.api.app import create_app  # imported here: the API is not what the other tests exercise

    account, site = active_site
    run_pipeline(runtime, account_id=account, site_id=site, limit=4)
    rows = _rows(runtime, site)
    with runtime.database.connection() as conn:
        conn.execute("UPDATE content SET status = 'approved' WHERE site_id = %s", (site,))
        key = issue_key(conn, account_id=account, site_id=site)
    _mark_published(runtime, site, rows[0]["id"], status="approved")
    with TestClient(create_app(runtime)) as client:
        response = client.get("/api/v1/plugin/queue", params={"include_review": True}, headers={"X-IGNY8-API-KEY": key})
    assert response.status_code == 200, response.text
    offered = {item["content_id"] for item in response.json()["data"]}
    assert rows[0]["id"] not in offered
    assert {r["id"] for r in rows[1:]} <= offered


def test_links_placed_on_a_later_run_survive_the_next_enhancement(
    runtime: Services, active_site: tuple[int, int]
) -> None:
    """An incremental run links pages that already carry SERP elements; enhancement rebuilds those
    elements, so a link must never be placed inside one (it would vanish while its row stays)."""
    account, site = active_site

    def prose(messages: list[dict[str, Any]]) -> str:
        first = any(s in messages[-1]["content"] for s in ("Introduction", "Overview", "About", "Our Story"))
        return PLAIN_PROSE if first else LINKABLE_PROSE

    with fake.override(fake.ScriptedModel(default=prose)):
        run_pipeline(runtime, account_id=account, site_id=site, limit=10)
        run_pipeline(runtime, account_id=account, site_id=site, limit=30)
    for row in _rows(runtime, site):
        assert _internal_hrefs(row["html"]) == _table_targets(runtime, row["id"]), row["slug"]
        for element in _tree(row["html"]).css("[data-igny8-element]"):
            assert not [a for a in element.css("a[href]") if a.attributes["href"].startswith("/")], row["slug"]
