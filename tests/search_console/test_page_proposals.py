"""Ranking queries without a page become new supporting pages of ONE draft blueprint version, on synthetic
Search Console data served by the local Google server: two planted queries land in the clusters they were
made from, an unrelated query is listed and not forced into a cluster, a query a page's title already serves
is not proposed, a rerun changes nothing, a new query makes one new draft holding them all, and once the
draft is activated nothing is proposed again. Nothing is activated by the proposal itself."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from igny8.config import get_settings
from igny8.domain.blueprint import Blueprint
from igny8.graphs.site_build import SiteBuildContext, build_active_site
from igny8.memory.blueprints import activate_blueprint, get_blueprint, list_blueprints
from igny8.memory.secret_box import secret_box_for
from igny8.memory.tenancy import local_account
from igny8.services import Services, open_services
from igny8.workflows.search_console_actions import analyse_search_data
from igny8.workflows.search_console_connect import connect_service_account, open_search_console
from igny8.workflows.search_console_maintenance import run_search_console_maintenance
from igny8.workflows.search_console_proposals import propose_missing_pages
from igny8.workflows.search_console_report import search_console_report
from igny8.workflows.search_console_sync import sync_search_analytics
from tests.dental_site import new_dental_site
from tests.search_console.conftest import PROPERTY, SITE_URL, analytics_row
from tests.search_console.google_server import GoogleServer
from tests.search_console.test_cli import env, igny8  # noqa: F401  (env: the CLI's IGNY8_* settings)

UNRELATED = "bicycle chain repair kit"


def _query_from(blueprint: Blueprint, cluster_index: int) -> tuple[str, str]:
    """(query, cluster slug): the cluster's most distinctive keyword (the most words no other cluster's keywords
    use) plus a word no keyword uses."""
    cluster = blueprint.clusters[cluster_index]
    elsewhere = {w for c in blueprint.clusters if c is not cluster for k in c.keywords for w in k.text.split()}
    keyword = max((k.text for k in cluster.keywords), key=lambda t: (len(set(t.split()) - elsewhere), t))
    return f"{keyword} explained", cluster.slug


def _rows(queries: dict[str, int], days: range) -> list[dict]:
    today = datetime.now(UTC).date()
    return [
        analytics_row((today - timedelta(days=back)).isoformat(), f"{SITE_URL}/", query, 0, impressions, 8.0)
        for back in days
        for query, impressions in queries.items()
    ]


def _versions(runtime: Services, account: int, site: int) -> dict[int, str]:
    with runtime.database.connection() as conn:
        return {b.version: b.status for b in list_blueprints(conn, account_id=account, site_id=site)}


def _connect(runtime: Services, account: int, site: int, key_file: Path) -> None:
    secrets = secret_box_for(runtime.settings)
    connect_service_account(
        runtime.database, runtime.settings, secrets, account_id=account, site_id=site, prop=PROPERTY, key_file=key_file
    )


def _maintain(runtime: Services, account: int, site: int) -> dict:
    with runtime.database.connection() as conn:
        blueprint = get_blueprint(conn, account_id=account, site_id=site)
    work = run_search_console_maintenance(runtime, account_id=account, site_id=site, blueprint=blueprint)
    assert work["state"] == "connected", work
    return work


def test_planted_queries_become_one_draft_version(
    gsc_runtime: Services, google: GoogleServer, service_account_file: Path
) -> None:
    account, site = new_dental_site(gsc_runtime)
    with gsc_runtime.database.connection() as conn:
        active = get_blueprint(conn, account_id=account, site_id=site)
    first, first_cluster = _query_from(active, 0)
    second, second_cluster = _query_from(active, len(active.clusters) // 2)
    served_by_title = next(p.title for p in active.pages if p.kind == "hub").lower()
    google.state.rows[PROPERTY] = _rows({first: 12, second: 9, UNRELATED: 10, served_by_title: 8}, range(1, 60))
    _connect(gsc_runtime, account, site, service_account_file)

    work = _maintain(gsc_runtime, account, site)
    assert sorted(work["findings"]["missing_pages"]) == sorted([first, second, UNRELATED, served_by_title])
    proposal = work["page_proposals"]
    assert proposal["created"] and proposal["from_version"] == 1 and proposal["draft_version"] == 2
    assert {(p["query"], p["cluster"]) for p in proposal["pages"]} == {(first, first_cluster), (second, second_cluster)}
    assert [u["query"] for u in proposal["not_filed"]] == [UNRELATED], "an unrelated query is not forced in"
    assert proposal["already_covered"] == [served_by_title]
    assert _versions(gsc_runtime, account, site) == {1: "active", 2: "draft"}, "never activated automatically"

    with gsc_runtime.database.connection() as conn:
        draft = get_blueprint(conn, account_id=account, site_id=site, version=2)
        stored_keywords = {
            r["text"]
            for r in conn.execute(
                "SELECT text FROM keywords WHERE blueprint_id = %s AND text = ANY(%s)", (draft.id, [first, second])
            )
        }
    assert stored_keywords == {first, second}, "the queries join their clusters' keywords, embedded"
    old_slugs = [p.slug for p in active.pages]
    new_pages = [p for p in draft.pages if p.slug not in old_slugs]
    assert [p.slug for p in draft.pages if p.slug in old_slugs] == old_slugs, "a copy of the active version"
    assert len({p.slug for p in draft.pages}) == len(draft.pages), "slugs stay unique"
    assert {p.target_keywords[0]: p.cluster for p in new_pages} == {first: first_cluster, second: second_cluster}
    for page in new_pages:
        siblings = [p for p in active.pages if p.kind == "supporting" and p.cluster == page.cluster]
        assert page.kind == "supporting" and page.title.lower() == page.target_keywords[0]
        assert page.structure in {p.structure for p in siblings} and page.content_type == siblings[0].content_type
        hub = next(p.slug for p in active.pages if p.kind == "hub" and p.cluster == page.cluster)
        assert {(hub, page.slug), (page.slug, hub)} <= {(link.source, link.target) for link in draft.link_map}
    assert draft.keyword_count == active.keyword_count + 2

    again = _maintain(gsc_runtime, account, site)["page_proposals"]
    assert not again["created"] and again["draft_version"] == 2 and again["pages"] == proposal["pages"]
    assert _versions(gsc_runtime, account, site) == {1: "active", 2: "draft"}, "a rerun changes nothing"

    report = search_console_report(gsc_runtime.database, account_id=account, site_id=site, daily_limit=2000)
    shown = report["page_proposals"]
    assert shown["draft_versions"] == [2]
    assert {(p["query"], p["cluster"], p["draft_version"]) for p in shown["pages"]} == {
        (first, first_cluster, 2),
        (second, second_cluster, 2),
    }
    assert sorted(shown["not_proposed"]) == sorted([UNRELATED, served_by_title])

    # A new query in the settling days: one new draft that holds all three, from the same active version.
    third, third_cluster = _query_from(active, 1)
    google.state.rows[PROPERTY] += _rows({third: 50}, range(1, 3))
    grown = _maintain(gsc_runtime, account, site)["page_proposals"]
    assert grown["created"] and grown["draft_version"] == 3 and grown["from_version"] == 1
    assert {p["query"]: p["cluster"] for p in grown["pages"]} == {
        first: first_cluster,
        second: second_cluster,
        third: third_cluster,
    }
    assert _versions(gsc_runtime, account, site) == {1: "active", 2: "draft", 3: "draft"}

    # Once the person activates the draft, the queries have their pages: nothing more is proposed.
    with gsc_runtime.database.connection() as conn:
        activate_blueprint(conn, account_id=account, site_id=site, version=3)
    settled = _maintain(gsc_runtime, account, site)
    assert sorted(settled["findings"]["missing_pages"]) == sorted([UNRELATED, served_by_title])
    assert settled["page_proposals"]["pages"] == [] and settled["page_proposals"]["draft_version"] is None
    assert _versions(gsc_runtime, account, site) == {1: "superseded", 2: "draft", 3: "active"}


@pytest.mark.usefixtures("env")
def test_gsc_propose_command(google: GoogleServer, service_account_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IGNY8_DEFAULT_MODEL", "igny8-fake/lorem")
    get_settings.cache_clear()
    with open_services(get_settings()) as runtime:
        with runtime.database.connection() as conn:
            account = local_account(conn)
        site = build_active_site(
            SiteBuildContext.of(runtime),
            account_id=account,
            industry="healthcare-medical",
            sectors=["dental-clinics"],
            site_type="local_service",
            site_name="Bright Smile proposals",
        )
        with runtime.database.connection() as conn:
            active = get_blueprint(conn, account_id=account, site_id=site)
    query, cluster = _query_from(active, 1)
    code, _, err = igny8("gsc", "propose", "--site", str(site))
    assert code == 2 and "no search analytics stored" in err and f"igny8 gsc sync --site {site}" in err
    assert "Traceback" not in err
    code, _, err = igny8("gsc", "propose", "--site", "987655")
    assert code == 2 and "987655" in err and "Traceback" not in err

    google.state.rows[PROPERTY] = _rows({query: 15, UNRELATED: 15}, range(1, 29))
    code, _, err = igny8(
        "gsc", "connect", "--site", str(site), "--property", PROPERTY, "--service-account", str(service_account_file)
    )
    assert code == 0, err
    code, _, err = igny8("gsc", "sync", "--site", str(site), "--days", "30", "--json")
    assert code == 0, err

    code, out, err = igny8("gsc", "propose", "--site", str(site), "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["created"] and result["draft_version"] == 2
    assert [(p["query"], p["cluster"]) for p in result["pages"]] == [(query, cluster)]
    assert [u["query"] for u in result["not_filed"]] == [UNRELATED]

    code, out, err = igny8("gsc", "propose", "--site", str(site))
    assert code == 0, err
    assert query in out and cluster in out and "already proposed in draft version 2" in out
    assert f"igny8 blueprint activate --site {site} --version 2" in out and f"not proposed: '{UNRELATED}'" in out
    code, out, _ = igny8("blueprint", "list", "--site", str(site), "--json")
    assert [(b["version"], b["status"]) for b in json.loads(out)] == [(1, "active"), (2, "draft")]
    code, out, _ = igny8("gsc", "report", "--site", str(site))
    assert code == 0 and "pages proposed in draft version(s) 2" in out


def test_two_runs_at_once_make_one_draft(
    gsc_runtime: Services, google: GoogleServer, service_account_file: Path
) -> None:
    account, site = new_dental_site(gsc_runtime, name="Bright Smile twice")
    with gsc_runtime.database.connection() as conn:
        active = get_blueprint(conn, account_id=account, site_id=site)
    query, cluster = _query_from(active, 2)
    google.state.rows[PROPERTY] = _rows({query: 20}, range(1, 29))
    settings = gsc_runtime.settings
    _connect(gsc_runtime, account, site, service_account_file)
    with open_search_console(gsc_runtime.database, settings, secret_box_for(settings), site_id=site) as session:
        sync_search_analytics(gsc_runtime.database, session, days=30, settle_days=3, row_limit=25_000)
    analyse_search_data(gsc_runtime.database, site_id=site, blueprint=active)

    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda _: propose_missing_pages(gsc_runtime, account_id=account, site_id=site), [0, 1]))
    assert sorted(r["created"] for r in runs) == [False, True], "one run saved the draft, the other found it"
    assert {r["draft_version"] for r in runs} == {2}
    assert all(r["pages"] == [{"query": query, "cluster": cluster, "slug": runs[0]["pages"][0]["slug"]}] for r in runs)
    assert _versions(gsc_runtime, account, site) == {1: "active", 2: "draft"}
