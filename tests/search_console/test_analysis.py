"""The analyses on plain rows: decay needs three falling periods and enough clicks, cannibalisation needs two
pages with a real share of one query, low CTR is judged against its position; and the health score's
indexing and performance component from indexed pages and clicks held."""

from __future__ import annotations

from datetime import date

from igny8.domain.blueprint import Blueprint, Health, PagePlan
from igny8.tools.sag.health import SiteState, score_health
from igny8.tools.search_console.analysis import (
    PageTotal,
    QueryPageTotal,
    clicks_trend,
    find_cannibalisation,
    find_decay,
    find_low_ctr,
    find_missing_pages,
    periods,
)
from igny8.tools.search_console.page_urls import public_url, slug_of_url


def test_periods_are_consecutive_and_end_on_the_latest_day() -> None:
    spans = periods(date(2026, 12, 6))
    assert spans[-1] == (date(2026, 11, 9), date(2026, 12, 6))
    assert [(b[0] - a[1]).days for a, b in zip(spans, spans[1:], strict=False)] == [1, 1]


def test_decay_needs_three_falling_periods_and_enough_clicks() -> None:
    found = find_decay(
        {
            "decaying": (100, 70, 40),
            "dip_and_recovery": (100, 40, 90),
            "small_drop": (100, 95, 90),
            "too_few_clicks": (10, 5, 1),
            "growing": (10, 40, 90),
        }
    )
    assert [d.page_url for d in found] == ["decaying"] and found[0].drop == 0.6


def test_cannibalisation_needs_two_pages_with_a_real_share() -> None:
    rows = [
        QueryPageTotal("/a/", "veneers cost", 10, 300, 4.0),
        QueryPageTotal("/b/", "veneers cost", 5, 200, 6.0),
        QueryPageTotal("/c/", "veneers cost", 0, 20, 40.0),  # 4%: not competing
        QueryPageTotal("/a/", "implants", 10, 300, 3.0),
        QueryPageTotal("/b/", "implants", 0, 10, 30.0),  # 3%: not competing
        QueryPageTotal("/a/", "rare query", 1, 20, 3.0),
        QueryPageTotal("/b/", "rare query", 1, 20, 3.0),  # too few impressions to matter
    ]
    found = find_cannibalisation(rows)
    assert [(c.query, [p[0] for p in c.pages]) for c in found] == [("veneers cost", ["/a/", "/b/"])]
    missing = find_missing_pages(rows, targeted={"implants"})
    assert [m.query for m in missing] == ["veneers cost"]


def test_low_ctr_is_judged_against_the_position() -> None:
    pages = [
        PageTotal("/top-but-ignored/", 3, 1000, 1.4),  # 0.3% at position 1 (usual ~28%)
        PageTotal("/top-and-clicked/", 250, 1000, 1.2),
        PageTotal("/deep/", 0, 5000, 12.0),  # not in a good position: not a snippet problem
        PageTotal("/rare/", 0, 50, 2.0),  # too few impressions
    ]
    assert [p.page_url for p in find_low_ctr(pages)] == ["/top-but-ignored/"]


def test_urls_and_slugs() -> None:
    assert public_url(site_url="https://x.example/", slug="veneers", wp_link=None) == "https://x.example/veneers/"
    assert public_url(site_url="https://x.example", slug="a", wp_link="https://x.example/2026/12/a/").endswith("/12/a/")
    assert (
        slug_of_url("https://x.example/2026/12/Veneers/") == "veneers" and slug_of_url("https://x.example/") == "home"
    )


def _blueprint(slugs: list[str]) -> Blueprint:
    pages = [
        PagePlan(
            title=s,
            slug=s,
            kind="supporting",
            content_type="post",
            structure="guide",
            cluster=None,
            priority_phase=1,
            target_keywords=[s],
        )
        for s in slugs
    ]
    return Blueprint(
        site_type="local_service",
        industry="healthcare-medical",
        sectors=["dental-clinics"],
        attributes=[],
        clusters=[],
        taxonomy=[],
        pages=pages,
        link_map=[],
        health=Health(score=0, components=[]),
        keyword_count=0,
    )


def test_health_indexing_component_from_search_console() -> None:
    slugs = ["veneers", "implants", "whitening", "braces"]
    blueprint = _blueprint(slugs)
    published = {s: [s] for s in slugs}

    def component(state: SiteState) -> float:
        return next(c for c in score_health(blueprint, state).components if c.name == "indexing_performance").score

    assert component(SiteState(published=published)) == 0.0
    assert component(SiteState(published=published, indexed=set(slugs[:2]))) == 7.5
    assert component(SiteState(published=published, indexed=set(slugs), clicks_held=clicks_trend(100, 50))) == 12.5
    assert component(SiteState(published=published, indexed=set(slugs), clicks_held=clicks_trend(100, 140))) == 15.0
