"""An existing WordPress site with the IGNY8 Bridge plugin (installed from `make plugin`'s zip on the real test
bed): its taxonomy read over WordPress's REST API (a custom taxonomy no theme class shows included), and the
approved proposal's redirect created through the plugin: waiting out an outage, then answering 301 to the
adopting page, never sent twice, and never overwriting a redirect the owner changed.

The tests of this module run in order on one site."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from igny8.memory import outages
from igny8.memory.crawl_repo import crawled_pages
from igny8.memory.secret_box import secret_box_for
from igny8.memory.site_redirects_repo import site_redirects
from igny8.services import Services
from igny8.stages.plugin_bridge import save_plugin_bridge
from igny8.tools.crawl.page_extraction import extract_page
from igny8.tools.integrations.wordpress_client import WordPressClient
from igny8.workflows.site_analysis import analyze_site, decide_proposal, propose_site_blueprint
from igny8.workflows.site_crawl import crawl_existing_site
from tests.crawl.static_site import TOPICS, _paragraphs
from tests.wordpress.testbed import WordPressTestbed
from tests.wordpress_plugin.conftest import plugin_api, plugin_wordpress, plugin_zip, secret_of  # noqa: F401

pytestmark = [pytest.mark.wordpress, pytest.mark.slow]

TREATMENT_AREA_PHP = """<?php
add_action('init', function () {
    register_taxonomy('treatment_area', ['post'], ['label' => 'Treatment areas', 'public' => true,
        'show_in_rest' => true, 'rest_base' => 'treatment-areas']);
});
"""


@dataclass
class ExistingSite:
    bed: WordPressTestbed
    account: int
    site: int
    cost_url: str
    proposal: dict[str, Any] | None = None


@pytest.fixture(scope="module")
def existing(
    runtime: Services,
    dental_site: tuple[int, int],
    plugin_wordpress: WordPressTestbed,  # noqa: F811
) -> Iterator[ExistingSite]:
    """The static site's pages as WordPress posts and pages, a custom taxonomy beside categories and tags,
    and the plugin connected to the dental site."""
    bed = plugin_wordpress
    mu_plugin = bed.site_dir / "wp-content" / "mu-plugins" / "igny8-test-treatment-area.php"
    mu_plugin.write_text(TREATMENT_AREA_PHP)
    with WordPressClient(bed.base_url, bed.username, bed.application_password) as wp:
        category = wp.create_term("categories", name="Treatments", slug="treatments")
        cost_id = 0
        for path, (title, sentence, words) in TOPICS.items():
            html = f"<h2>What to expect</h2>{_paragraphs(sentence, words)}<h2>Cost</h2>{_paragraphs(sentence, 40)}"
            if path.startswith("/blog/"):
                tag = wp.create_term("tags", name=title, slug=path.strip("/").split("/")[-1])
                body = {"title": title, "content": html, "status": "publish", "categories": [category], "tags": [tag]}
                created = wp.create_item("posts", body)
                cost_id = int(created["id"]) if path == "/blog/invisalign-cost/" else cost_id
            else:
                wp.create_item("pages", {"title": title, "content": html, "status": "publish"})
    bed.run_php(f"wp_set_object_terms({cost_id}, ['upper-jaw'], 'treatment_area');")
    cost_url = bed.run_php(f"echo get_permalink({cost_id});").strip()
    account, site = dental_site
    with runtime.database.connection() as conn:
        save_plugin_bridge(
            conn, account_id=account, site_id=site, site_url=bed.base_url, secret=secret_of(bed),
            secrets=secret_box_for(runtime.settings),
        )  # fmt: skip
    try:
        yield ExistingSite(bed, account, site, cost_url)
    finally:
        mu_plugin.unlink(missing_ok=True)


def test_the_taxonomy_is_read_over_rest_with_a_term_no_theme_class_shows(runtime: Services, existing: ExistingSite):
    summary = crawl_existing_site(
        runtime, account_id=existing.account, site_id=existing.site, url=existing.bed.base_url, max_pages=60
    )
    assert summary.taxonomy["source"] == "wordpress-rest", summary.taxonomy
    assert summary.taxonomy["taxonomies"]["treatment_area"] == 1 and summary.taxonomy["taxonomies"]["tag"] == 3
    with runtime.database.connection() as conn:
        terms = {p.url: p.wp_terms for p in crawled_pages(conn, site_id=existing.site)}
    assert terms[existing.cost_url] == {
        "category": ["treatments"],
        "tag": ["invisalign-cost"],
        "treatment_area": ["upper-jaw"],
    }
    # The theme's classes do not show the custom taxonomy: only REST knows the post is about the upper jaw.
    html = httpx.get(existing.cost_url, timeout=30).text
    assert "treatment_area" not in extract_page(existing.cost_url, html).wp_terms


def test_approval_during_an_outage_waits_then_creates_the_redirect_once(runtime: Services, existing: ExistingSite):
    account, site, bed = existing.account, existing.site, existing.bed
    analyze_site(runtime, account_id=account, site_id=site, use_model=False)
    proposal = propose_site_blueprint(runtime, account_id=account, site_id=site)
    assert proposal["redirects"], proposal
    wanted = {
        "/" + r["from"].removeprefix(bed.base_url).strip("/"): r["to"].removeprefix(bed.base_url)
        for r in proposal["redirects"]
    }
    existing.proposal = proposal
    approve = dict(runtime=runtime, account_id=account, site_id=site, proposal_id=proposal["proposal_id"], approve=True)

    bed.take_down()
    try:
        waiting = decide_proposal(**approve)
    finally:
        bed.bring_back()
    assert waiting.status == "approved" and waiting.redirects is not None
    assert {r["source"] for r in waiting.redirects.waiting} == set(wanted) and not waiting.redirects.created
    assert waiting.redirects.outage and "WordPress unreachable" in waiting.redirects.outage
    with runtime.database.connection() as conn:
        assert outages.open_outage(conn, site_id=site, service="wordpress") is not None
        assert {r["state"] for r in site_redirects(conn, site_id=site)} == {"waiting"}

    created = decide_proposal(**approve).redirects
    assert created is not None and created.done
    assert {r["source"]: r["target"] for r in created.created} == wanted
    for redirect in proposal["redirects"]:
        moved = httpx.get(redirect["from"], timeout=30)
        assert moved.status_code == 301 and moved.headers["location"] == redirect["to"]
    with runtime.database.connection() as conn:
        assert {r["state"] for r in site_redirects(conn, site_id=site)} == {"created"}

    again = decide_proposal(**approve).redirects
    assert again is not None and not again.created and {r["source"] for r in again.present} == set(wanted)
    with plugin_api(bed, secret_of(bed)) as plugin:
        stored = plugin.get("/redirects").json()["data"]
    assert sorted(r["source"] for r in stored) == sorted(wanted)  # one each: nothing duplicated
    assert all(int(r["hits"]) == 1 and r["origin"] == "analysis" for r in stored)


def test_a_redirect_the_owner_changed_is_reported_and_left_alone(runtime: Services, existing: ExistingSite):
    assert existing.proposal is not None
    bed = existing.bed
    source = "/" + existing.proposal["redirects"][0]["from"].removeprefix(bed.base_url).strip("/")
    with plugin_api(bed, secret_of(bed)) as plugin:
        plugin.post("/redirects", json={"redirects": [{"source": source, "target": "/contact/", "status": 302}]})
    outcome = decide_proposal(
        runtime,
        account_id=existing.account,
        site_id=existing.site,
        proposal_id=existing.proposal["proposal_id"],
        approve=True,
    ).redirects
    assert outcome is not None and not outcome.done
    assert [f["source"] for f in outcome.failed] == [source]
    assert f"already redirects {source} to /contact/" in outcome.failed[0]["error"]
    with plugin_api(bed, secret_of(bed)) as plugin:
        kept = {r["source"]: r["target"] for r in plugin.get("/redirects").json()["data"]}
    assert kept[source] == "/contact/"
    with runtime.database.connection() as conn:
        row = next(r for r in site_redirects(conn, site_id=existing.site) if r["source"] == source)
    assert row["state"] == "failed" and "already redirects" in row["error"]
