"""A maintenance run on synthetic but realistic data: a written dental site connected to the local Google
server, 84 days of analytics in which one page decays, two pages compete for one query, one page ranks
high but is rarely clicked and one query has no page. The run inspects the pages within the quota, syncs,
finds exactly what was planted, sends the decaying page to the optimizer, rewrites the low-CTR snippet
(before/after kept), and the health score's indexing component comes from the real data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
from psycopg.rows import dict_row

from igny8.llm import fake
from igny8.memory.blueprints import get_blueprint
from igny8.memory.secret_box import secret_box_for
from igny8.memory.tenancy import set_site_url
from igny8.services import Services
from igny8.workflows.maintenance_worker import run_site_maintenance
from igny8.workflows.pipeline_run import run_pipeline
from igny8.workflows.search_console_connect import connect_service_account
from igny8.workflows.search_console_report import search_console_report
from tests.dental_site import new_dental_site
from tests.search_console.conftest import PROPERTY, SITE_URL, analytics_row
from tests.search_console.google_server import GoogleServer

MISSING_QUERY = "emergency dentist open on sunday"


def _snippet_or_paragraph(messages: list[dict]) -> str | dict:
    """The scripted model: a snippet when asked for JSON, else a short clear paragraph for the optimizer."""
    if "JSON schema" in messages[0]["content"]:
        return {
            "title": "Dental Implants in Austin: Costs, Steps and Recovery",
            "meta_description": "What dental implant treatment involves, how long each step takes, what recovery "
            "feels like and how to choose a clinic you can trust.",
        }
    return "This page explains the treatment in plain words. Each step is short. You can read it fast and act today."


def _plant(google: GoogleServer, pages: dict[str, str], today) -> None:  # type: ignore[no-untyped-def]
    """84 days: the decaying page loses clicks period after period, two pages share one query, one page has
    a poor CTR at position 2, one query ranks with no page; the rest is steady."""
    rows = []
    for back in range(1, 85):
        day = (today - timedelta(days=back)).isoformat()
        period = (back - 1) // 28  # 0 = the latest 28 days
        decaying_clicks = {2: 10, 1: 6, 0: 3}[period]
        rows.append(analytics_row(day, pages["decaying"], pages["decaying_query"], decaying_clicks, 80, 4.0))
        rows.append(analytics_row(day, pages["steady"], pages["steady_query"], 5, 60, 3.0))
        rows.append(analytics_row(day, pages["rival_a"], pages["contested"], 2, 30, 6.0))
        rows.append(analytics_row(day, pages["rival_b"], pages["contested"], 1, 25, 7.5))
        rows.append(analytics_row(day, pages["low_ctr"], pages["low_ctr_query"], 0 if back % 3 else 1, 40, 2.0))
        rows.append(analytics_row(day, pages["steady"], MISSING_QUERY, 0, 12, 9.0))
    google.state.rows[PROPERTY] = rows


def test_maintenance_finds_the_planted_decay_and_cannibalisation(
    gsc_runtime: Services, google: GoogleServer, service_account_file: Path
) -> None:
    account, site = new_dental_site(gsc_runtime)
    run_pipeline(gsc_runtime, account_id=account, site_id=site, limit=8)
    with gsc_runtime.database.connection() as conn:
        conn.execute("UPDATE content SET status = 'approved' WHERE site_id = %s", (site,))
        set_site_url(conn, site_id=site, url=SITE_URL)
        blueprint = get_blueprint(conn, account_id=account, site_id=site)
        written = [r["slug"] for r in conn.execute("SELECT slug FROM content WHERE site_id = %s ORDER BY id", (site,))]
    plan = {p.slug: p for p in blueprint.pages}
    slugs = [s for s in written if plan[s].target_keywords]
    url = {s: f"{SITE_URL}/{s}/" for s in slugs}
    pages = {
        "decaying": url[slugs[0]],
        "decaying_query": plan[slugs[0]].target_keywords[0],
        "steady": url[slugs[1]],
        "steady_query": plan[slugs[1]].target_keywords[0],
        "rival_a": url[slugs[2]],
        "rival_b": url[slugs[3]],
        "contested": plan[slugs[2]].target_keywords[0],
        "low_ctr": url[slugs[4]],
        "low_ctr_query": plan[slugs[4]].target_keywords[0],
    }
    today = datetime.now(UTC).date()
    _plant(google, pages, today)
    google.state.index_states = {url[slugs[5]]: "NEUTRAL"}  # one page not indexed yet
    connect_service_account(
        gsc_runtime.database,
        gsc_runtime.settings,
        secret_box_for(gsc_runtime.settings),
        account_id=account,
        site_id=site,
        prop=PROPERTY,
        key_file=service_account_file,
    )

    with psycopg.connect(gsc_runtime.database.url, autocommit=True, row_factory=dict_row) as lock_conn:
        with fake.override(fake.ScriptedModel(default=_snippet_or_paragraph)):
            report = run_site_maintenance(gsc_runtime, lock_conn, site_id=site, tasks=["search_console", "health"])
    work = report["search_console"]
    assert work["state"] == "connected", work
    assert work["inspection"]["inspected"] == len(written) and work["inspection"]["indexed"] == len(written) - 1
    assert work["sync"]["days"] == 90 and work["sync"]["rows"] == 84 * 6

    findings = work["findings"]
    assert findings["decaying"] == [slugs[0]], "exactly the planted decaying page"
    assert [c["query"] for c in findings["cannibalised"]] == [pages["contested"]]
    contested = findings["cannibalised"][0]
    assert slugs[2] in contested["proposal"] and slugs[3] in contested["proposal"]
    assert contested["action"] == ("merge" if plan[slugs[2]].cluster == plan[slugs[3]].cluster else "retarget")
    assert findings["missing_pages"] == [MISSING_QUERY]
    assert findings["low_ctr"] == [slugs[4]]
    assert [o["page"] for o in work["optimised"]] == [slugs[0]], "the decaying page went to the optimizer"
    assert work["snippets_rewritten"][0]["page"] == slugs[4]

    with gsc_runtime.database.connection() as conn:
        rewrite = conn.execute(
            "SELECT r.before_title, r.after_title, c.title FROM gsc_title_rewrites r"
            " JOIN content c ON c.id = r.content_id WHERE c.site_id = %s",
            (site,),
        ).fetchone()
        health = conn.execute(
            "SELECT components FROM health_history WHERE site_id = %s ORDER BY computed_at DESC LIMIT 1", (site,)
        ).fetchone()["components"]
    assert rewrite["before_title"] == plan[slugs[4]].title or rewrite["before_title"]
    assert rewrite["after_title"] == rewrite["title"] == "Dental Implants in Austin: Costs, Steps and Recovery"
    indexing = next(c for c in health if c["name"] == "indexing_performance")
    assert indexing["score"] > 0 and f"{len(written) - 1}/{len(written)} published pages indexed" in indexing["detail"]
    assert "clicks held" in indexing["detail"]

    summary = search_console_report(gsc_runtime.database, account_id=account, site_id=site, daily_limit=2000)
    assert summary["indexing"]["indexed"] == len(written) - 1 and summary["indexing"]["pages"] == len(written)
    assert [d["slug"] for d in summary["decaying_pages"]] == [slugs[0]]
    assert (
        summary["decaying_pages"][0]["status"] == "acted"
        and summary["decaying_pages"][0]["outcome"]["page"] == slugs[0]
    )
    assert [c["query"] for c in summary["cannibalised_queries"]] == [pages["contested"]]
    assert summary["inspection_quota"]["used"] == len(written)
    assert summary["performance"]["clicks"]["recent"] < summary["performance"]["clicks"]["previous"]
