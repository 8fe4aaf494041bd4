"""An existing WordPress site (the real test bed, seeded over its REST API with 36 posts and pages under
categories and tags) crawled, analysed and adopted; the approved tags assigned to its posts through WordPress."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from igny8.memory.blueprints import get_blueprint
from igny8.services import Services
from igny8.stages.publish_connection import save_wordpress_connection
from igny8.tools.integrations.wordpress_client import WordPressClient
from igny8.workflows.site_analysis import analyze_site, decide_proposal, propose_site_blueprint
from igny8.workflows.site_crawl import crawl_existing_site
from tests.wordpress.conftest import wordpress_testbed  # noqa: F401 - the session's WordPress
from tests.wordpress.testbed import WordPressTestbed

pytestmark = [pytest.mark.wordpress, pytest.mark.slow]

TREATMENTS = ["Invisalign", "Dental Implants", "Teeth Whitening", "Root Canal", "Dental Crowns", "Braces"]
ANGLES = ["Cost", "Recovery Time", "Pros and Cons", "For Adults", "Near Me"]


def _paragraphs(topic: str) -> str:
    return "".join(
        f"<p>{topic}: part {n} of our guide explains step {n} of the treatment, what patients feel at step {n}, "
        f"and how our Austin clinic plans step {n} around comfort, cost and aftercare.</p>"
        for n in range(1, 12)
    )


@pytest.fixture(scope="module")
def seeded_wordpress(wordpress_testbed: WordPressTestbed) -> Iterator[WordPressTestbed]:  # noqa: F811
    wordpress_testbed.reset()
    with WordPressClient(
        wordpress_testbed.base_url, wordpress_testbed.username, wordpress_testbed.application_password
    ) as wp:
        category = {t: wp.create_term("categories", name=t, slug=t.lower().replace(" ", "-")) for t in TREATMENTS}
        tag = wp.create_term("tags", name="Patient Guide", slug="patient-guide")
        for treatment in TREATMENTS:
            for angle in ANGLES:
                title = f"{treatment} {angle}"
                wp.create_item(
                    "posts",
                    {
                        "title": title,
                        "content": _paragraphs(title),
                        "status": "publish",
                        "categories": [category[treatment]],
                        "tags": [tag],
                    },
                )
        for page in ["About Us", "Contact", "Dental Implants Services", "Invisalign Services", "Our Team", "Insurance"]:
            wp.create_item("pages", {"title": page, "content": _paragraphs(page), "status": "publish"})
    yield wordpress_testbed


def test_a_seeded_wordpress_is_crawled_analysed_and_adopted(
    runtime: Services, dental_site: tuple[int, int], seeded_wordpress: WordPressTestbed
) -> None:
    account, site = dental_site
    summary = crawl_existing_site(
        runtime, account_id=account, site_id=site, url=seeded_wordpress.base_url, max_pages=120
    )
    assert summary.robots == f"{seeded_wordpress.base_url}/robots.txt" and not summary.refused
    with runtime.database.connection() as conn:
        rows = conn.execute("SELECT url, title, wp_terms FROM crawled_pages WHERE site_id = %s", (site,)).fetchall()
    titles = {r["title"].split(" – ")[0] for r in rows}
    assert {f"{t} {a}" for t in TREATMENTS for a in ANGLES} <= titles
    assert {"About Us", "Dental Implants Services", "Invisalign Services"} <= titles
    assert not any("/wp-admin/" in r["url"] for r in rows)  # robots.txt: Disallow: /wp-admin/

    report = analyze_site(runtime, account_id=account, site_id=site, use_model=False)
    assert report["pages"] == len(rows) and report["clusters"]["served"]
    # The test bed discourages search engines (blog_public 0): WordPress marks every page noindex, and the
    # analysis says so.
    assert len(report["noindex"]) == len(rows)
    assert "Dentures" in report["coverage"]["missing_values"]["treatment"]
    assert report["clusters"]["missing_clusters"]

    proposal = propose_site_blueprint(runtime, account_id=account, site_id=site)
    adopted = {a["url"] for a in proposal["adoptions"]}
    assert f"{seeded_wordpress.base_url}/invisalign-services/" in adopted
    assert len(adopted) >= 5 and proposal["tagging"]

    with runtime.database.connection() as conn:
        save_wordpress_connection(
            conn,
            account_id=account,
            site_id=site,
            base_url=seeded_wordpress.base_url,
            username=seeded_wordpress.username,
            application_password=seeded_wordpress.application_password,
        )
    decision = decide_proposal(
        runtime, account_id=account, site_id=site, proposal_id=proposal["proposal_id"], approve=True
    )
    assert decision.status == "applied" and decision.tags_applied > 0
    with runtime.database.connection() as conn:
        draft = get_blueprint(conn, account_id=account, site_id=site, version=decision.blueprint_version)
    assert "invisalign-services" in {p.slug for p in draft.pages}
    tagged = next(t for t in proposal["tagging"] if "/invisalign-" in t["url"] and "services" not in t["url"])
    with WordPressClient(
        seeded_wordpress.base_url, seeded_wordpress.username, seeded_wordpress.application_password
    ) as wp:
        post = wp.find_by_slugs("posts", [tagged["url"].rstrip("/").rsplit("/", 1)[-1]])[0]
        names = {t["name"] for t in wp.list_terms("tags") if t["id"] in post["tags"]}
    assert tagged["term"] in names and "Patient Guide" in names
