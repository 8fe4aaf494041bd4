"""Without WordPress's help, against the static site on 127.0.0.1: a site connected to "WordPress" whose REST
API does not answer keeps the theme's taxonomy classes and the crawl summary says why; an approved proposal
for a site without the IGNY8 plugin lists the redirects the owner must create (and where), recorded as
manual, never silently dropped. The real WordPress side is tests/crawl/test_wordpress_redirects.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from igny8.memory.crawl_repo import crawled_pages
from igny8.memory.site_redirects_repo import site_redirects
from igny8.services import Services
from igny8.stages.plugin_redirects import source_path, wanted_redirects
from igny8.stages.publish_connection import save_wordpress_connection
from igny8.workflows.site_analysis import analyze_site, decide_proposal, propose_site_blueprint
from igny8.workflows.site_crawl import crawl_existing_site
from tests.crawl.static_site import StaticSite, serve_static_site
from tests.dental_site import new_dental_site


@pytest.fixture(scope="module")
def static_site() -> Iterator[StaticSite]:
    with serve_static_site() as site:
        yield site


def test_without_rest_the_taxonomy_comes_from_the_theme_classes_and_the_summary_says_so(
    runtime: Services, static_site: StaticSite
) -> None:
    account, site = new_dental_site(runtime, name="Classes Only")
    with runtime.database.connection() as conn:
        save_wordpress_connection(
            conn, account_id=account, site_id=site, base_url=static_site.url, username="editor",
            application_password="abcd efgh ijkl mnop",
        )  # fmt: skip
    summary = crawl_existing_site(runtime, account_id=account, site_id=site, url=static_site.url, max_pages=20)
    assert summary.taxonomy["source"] == "theme-classes"
    assert (
        "REST API is unavailable" in summary.taxonomy["why"] and "/wp-json/wp/v2/taxonomies" in summary.taxonomy["why"]
    )
    assert "/wp-json/wp/v2/taxonomies" in static_site.paths_requested()
    with runtime.database.connection() as conn:
        terms = {p.url.removeprefix(static_site.url): p.wp_terms for p in crawled_pages(conn, site_id=site)}
    assert terms["/blog/invisalign-cost/"] == {"category": ["treatments"], "tag": ["invisalign-cost"]}


def test_a_site_without_the_plugin_is_told_which_redirects_to_create(
    runtime: Services, dental_site: tuple[int, int], static_site: StaticSite
) -> None:
    account, site = dental_site
    summary = crawl_existing_site(runtime, account_id=account, site_id=site, url=static_site.url, max_pages=20)
    assert summary.taxonomy == {"source": "theme-classes", "why": "the site is not connected to WordPress"}
    analyze_site(runtime, account_id=account, site_id=site, use_model=False)
    proposal = propose_site_blueprint(runtime, account_id=account, site_id=site)
    assert len(proposal["redirects"]) == 1
    decision = decide_proposal(
        runtime, account_id=account, site_id=site, proposal_id=proposal["proposal_id"], approve=True
    )
    outcome = decision.redirects
    assert outcome is not None and not outcome.done and not outcome.created and not outcome.failed
    assert outcome.manual == [{"source": "/blog/invisalign-price-guide", "target": "/blog/invisalign-cost/"}]
    assert outcome.advice and "Settings → IGNY8 → Redirects" in outcome.advice
    assert f"igny8 plugin connect --site {site}" in outcome.advice
    with runtime.database.connection() as conn:
        rows = site_redirects(conn, site_id=site)
    assert [(r["source"], r["target"], r["state"]) for r in rows] == [
        ("/blog/invisalign-price-guide", "/blog/invisalign-cost/", "manual")
    ]
    again = decide_proposal(
        runtime, account_id=account, site_id=site, proposal_id=proposal["proposal_id"], approve=True
    )
    assert again.status == "approved" and again.blueprint_version is None  # no second draft version
    assert again.redirects is not None and again.redirects.manual == outcome.manual


def test_proposed_redirects_are_checked_before_anything_is_sent() -> None:
    wanted, refused = wanted_redirects(
        "https://clinic.example",
        [
            {"from": "https://clinic.example/Old-Page/", "to": "https://clinic.example/new-page/"},
            {"from": "https://clinic.example/old-page", "to": "https://clinic.example/other/"},  # same source
            {"from": "https://evil.example/x/", "to": "https://clinic.example/y/"},
            {"from": "https://clinic.example/", "to": "https://clinic.example/y/"},
            {"from": "https://clinic.example/loop/", "to": "https://clinic.example/loop"},
        ],
    )
    assert wanted == [{"source": "/old-page", "target": "/new-page/"}]
    assert [r["source"] for r in refused] == ["/x", "/", "/loop"]
    assert "not within https://clinic.example" in refused[0]["error"]
    assert source_path("https://clinic.example/Caf%C3%A9/") == "/café"
