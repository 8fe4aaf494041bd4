"""Maintenance acts on the Search Console data: three 28-day periods compared for decay (decaying pages go
to the optimizer), cannibalised queries mapped back to our clusters and proposed as a merge or a
re-targeting, ranking queries without a page proposed as new supporting pages for the next blueprint
version, and low-CTR pages in good positions given a new title and meta description (before/after kept)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from igny8.agents.snippet_writer import SnippetWriter
from igny8.domain.blueprint import Blueprint, PagePlan
from igny8.llm.gateway import Meter, ModelGateway
from igny8.memory import content_repo
from igny8.memory import gsc_findings_repo as findings
from igny8.memory import search_console_repo as analytics
from igny8.memory.database import Database
from igny8.stages.optimize import optimise_page
from igny8.tools.search_console.analysis import (
    Cannibalisation,
    PageTotal,
    QueryPageTotal,
    find_cannibalisation,
    find_decay,
    find_low_ctr,
    find_missing_pages,
    periods,
)
from igny8.tools.search_console.page_urls import slug_of_url


@dataclass
class Analysis:
    latest_day: date | None
    decaying: list[dict[str, Any]] = field(default_factory=list)
    cannibalised: list[dict[str, Any]] = field(default_factory=list)
    missing_pages: list[dict[str, Any]] = field(default_factory=list)
    low_ctr: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self) | {"latest_day": self.latest_day.isoformat() if self.latest_day else None}


def _page_info(url: str, plan: dict[str, PagePlan]) -> dict[str, Any]:
    slug = slug_of_url(url)
    page = plan.get(slug)
    return {"url": url, "slug": slug, "cluster": page.cluster if page else None, "ours": page is not None}


def _cannibalisation_proposal(item: Cannibalisation, plan: dict[str, PagePlan]) -> dict[str, Any]:
    pages = [_page_info(url, plan) | {"impressions": n, "position": pos} for url, n, pos in item.pages]
    owner = next((p for p in pages if plan.get(p["slug"]) and item.query in plan[p["slug"]].target_keywords), pages[0])
    others = [p for p in pages if p is not owner]
    same_cluster = all(p["cluster"] == owner["cluster"] for p in others)
    if same_cluster:
        action = "merge"
        proposal = (
            f"merge {', '.join(p['slug'] for p in others)} into {owner['slug']} (cluster {owner['cluster']}), or "
            f"re-target {'them' if len(others) > 1 else 'it'} to another keyword of the cluster"
        )
    else:
        action = "retarget"
        proposal = (
            f"keep {owner['slug']} (cluster {owner['cluster']}) for '{item.query}' and re-target "
            + ", ".join(f"{p['slug']} (cluster {p['cluster']})" for p in others)
            + " to its own cluster's keywords, linking to the owner"
        )
    return {
        "query": item.query,
        "impressions": item.impressions,
        "pages": pages,
        "owner": owner["slug"],
        "action": action,
        "proposal": proposal,
    }


def analyse_search_data(database: Database, *, site_id: int, blueprint: Blueprint) -> Analysis:
    """Find decay, cannibalisation, missing pages and low CTR in the stored data, and record the findings."""
    with database.connection() as conn:
        latest = analytics.latest_day(conn, site_id=site_id)
        if latest is None:
            return Analysis(latest_day=None)
        spans = periods(latest)
        per_period = [analytics.page_totals(conn, site_id=site_id, start=s, end=e) for s, e in spans]
        recent_rows = analytics.page_query_totals(conn, site_id=site_id, start=spans[-1][0], end=spans[-1][1])
    plan = {p.slug: p for p in blueprint.pages}
    clicks: dict[str, list[int]] = {}
    for index, rows in enumerate(per_period):
        for row in rows:
            clicks.setdefault(row["page_url"], [0, 0, 0])[index] = row["clicks"]
    pairs = [
        QueryPageTotal(r["page_url"], r["query"], r["clicks"], r["impressions"], r["position"] or 0.0)
        for r in recent_rows
    ]
    targeted = {k.lower() for p in blueprint.pages for k in p.target_keywords}
    targeted |= {k.text.lower() for c in blueprint.clusters for k in c.keywords}
    result = Analysis(latest_day=latest)
    result.decaying = [
        _page_info(d.page_url, plan) | {"clicks": list(d.clicks), "drop": round(d.drop, 2)}
        for d in find_decay({url: (c[0], c[1], c[2]) for url, c in clicks.items()})
    ]
    result.cannibalised = [_cannibalisation_proposal(c, plan) for c in find_cannibalisation(pairs)]
    result.missing_pages = [
        asdict(m) | {"proposal": f"a supporting page for '{m.query}' in the next blueprint version"}
        for m in find_missing_pages(pairs, targeted)
    ]
    result.low_ctr = [
        _page_info(p.page_url, plan) | asdict(p)
        for p in find_low_ctr(
            PageTotal(r["page_url"], r["clicks"], r["impressions"], r["position"] or 0.0) for r in per_period[-1]
        )
    ]
    kinds = {
        "decay": [(d["url"], d) for d in result.decaying],
        "cannibalisation": [(c["query"], c) for c in result.cannibalised],
        "missing_page": [(m["query"], m) for m in result.missing_pages],
        "low_ctr": [(p["url"], p) for p in result.low_ctr],
    }
    with database.connection() as conn:
        for kind, items in kinds.items():
            for subject, detail in items:
                findings.upsert_finding(conn, site_id=site_id, kind=kind, subject=subject, detail=detail)
            findings.close_findings_not_in(conn, site_id=site_id, kind=kind, subjects=[s for s, _ in items])
    return result


def _rows_by_slug(database: Database, site_id: int) -> dict[str, dict[str, Any]]:
    with database.connection() as conn:
        return {r["slug"]: r for r in content_repo.site_content_for_scoring(conn, site_id=site_id)}


def act_on_analysis(
    database: Database,
    gateway: ModelGateway,
    *,
    account_id: int,
    site_id: int,
    blueprint: Blueprint,
    analysis: Analysis,
    limit: int = 3,
) -> dict[str, Any]:
    """Send decaying pages to the optimizer and rewrite low-CTR snippets (``limit`` of each per run)."""
    rows = _rows_by_slug(database, site_id)
    with database.connection() as conn:
        # A page is acted on once per finding: it is optimised again only if it recovers and decays anew.
        done = {kind: findings.acted_subjects(conn, site_id=site_id, kind=kind) for kind in ("decay", "low_ctr")}
    optimised, rewritten = [], []
    for item in [d for d in analysis.decaying if d["slug"] in rows and d["url"] not in done["decay"]][:limit]:
        outcome = optimise_page(
            database, gateway, account_id=account_id, site_id=site_id, blueprint=blueprint, row=rows[item["slug"]]
        )
        summary = {"page": outcome.slug, "before": outcome.before, "after": outcome.after, "kept": outcome.accepted}
        optimised.append(summary)
        with database.connection() as conn:
            findings.mark_acted(conn, site_id=site_id, kind="decay", subject=item["url"], outcome=summary)
    writer = SnippetWriter(gateway)
    for item in [p for p in analysis.low_ctr if p["slug"] in rows and p["url"] not in done["low_ctr"]][:limit]:
        row = rows[item["slug"]]
        before = (row["title"], row["meta"].get("meta_description", ""))
        with database.connection() as conn:
            queries = analytics.top_queries(conn, site_id=site_id, page_url=item["url"], limit=5)
        snippet = writer.rewrite(
            title=before[0],
            description=before[1],
            queries=queries,
            position=item["position"],
            ctr=item["ctr"],
            meter=Meter(account_id, site_id, f"snippet:{row['id']}:{analysis.latest_day}"),
        )
        after = (snippet.title.strip(), snippet.meta_description.strip())
        if after == before:
            continue
        evidence = {
            "ctr": item["ctr"],
            "expected_ctr": item["expected_ctr"],
            "position": item["position"],
            "impressions": item["impressions"],
            "queries": queries,
        }
        with database.connection() as conn:
            findings.record_title_rewrite(conn, content_id=row["id"], before=before, after=after, evidence=evidence)
            findings.mark_acted(conn, site_id=site_id, kind="low_ctr", subject=item["url"], outcome={"title": after[0]})
        rewritten.append({"page": item["slug"], "before": before[0], "after": after[0]})
    return {"optimised": optimised, "snippets_rewritten": rewritten}
