"""`igny8 gsc report`: indexed share, the clicks and impressions trend, decaying pages, cannibalised queries,
ranking queries with no page (and the draft blueprint version proposing pages for them), low-CTR pages and
today's inspection quota — from what is stored (no call to Google), so it works offline and for a site whose
connection needs reconnecting."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from igny8.memory import gsc_findings_repo as findings
from igny8.memory import gsc_inspection_repo as inspections
from igny8.memory import search_console_repo as analytics
from igny8.memory.database import Database
from igny8.memory.tenancy import get_site
from igny8.tools.search_console.analysis import clicks_trend, periods
from igny8.tools.search_console.page_urls import public_url
from igny8.tools.search_console.quota import quota_day


def _page_proposals(missing: list[dict[str, Any]]) -> dict[str, Any]:
    """What the ranking queries without a page became: pages of a draft version, or not proposed (yet)."""
    proposed = [m for m in missing if m["status"] == "acted" and (m.get("outcome") or {}).get("draft_version")]
    return {
        "draft_versions": sorted({m["outcome"]["draft_version"] for m in proposed}),
        "pages": [
            {"query": m["query"]} | {k: m["outcome"][k] for k in ("draft_version", "cluster", "slug")} for m in proposed
        ],
        "not_proposed": [m["query"] for m in missing if m not in proposed],
    }


def search_console_report(
    database: Database, *, account_id: int, site_id: int, daily_limit: int, now: datetime | None = None
) -> dict[str, Any]:
    now = now or datetime.now(UTC)
    with database.connection() as conn:
        site = get_site(conn, account_id=account_id, site_id=site_id)
        connection = analytics.get_connection(conn, site_id=site_id)
        pages = inspections.live_pages(conn, site_id=site_id)
        results = {r["page_url"]: r for r in inspections.inspection_results(conn, site_id=site_id)}
        latest = analytics.latest_day(conn, site_id=site_id)
        spans = periods(latest, 2) if latest else []
        totals = [analytics.clicks_between(conn, site_id=site_id, start=s, end=e) for s, e in spans]
        daily = analytics.daily_totals(conn, site_id=site_id, start=spans[-1][0], end=spans[-1][1]) if spans else []
        open_items = findings.current_findings(conn, site_id=site_id)
        rewrites = findings.title_rewrites(conn, site_id=site_id)
        used = inspections.quota_used(conn, prop=connection.property, day=quota_day(now)) if connection else 0
        due = inspections.count_due(conn, site_id=site_id, now=now)
    urls = (
        [public_url(site_url=site.url or "", slug=p["slug"], wp_link=p["wp_link"]) for p in pages] if site.url else []
    )
    considered = urls or list(results)
    indexed = [u for u in considered if u in results and results[u]["verdict"] == "PASS"]
    inspected = [u for u in considered if u in results]
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for item in open_items:
        by_kind.setdefault(item["kind"], []).append(item["detail"] | {"status": item["status"]})
    trend = None
    if len(totals) == 2:
        (previous_clicks, previous_impressions), (recent_clicks, recent_impressions) = totals
        trend = {
            "period_days": (spans[-1][1] - spans[-1][0]).days + 1,
            "latest_day": latest.isoformat() if latest else None,
            "clicks": {"previous": previous_clicks, "recent": recent_clicks},
            "impressions": {"previous": previous_impressions, "recent": recent_impressions},
            "held": round(clicks_trend(previous_clicks, recent_clicks), 2),
            "daily": [
                {"date": d["date"].isoformat(), "clicks": d["clicks"], "impressions": d["impressions"]} for d in daily
            ],
        }
    return {
        "site_id": site_id,
        "property": connection.property if connection else None,
        "connection": connection.state if connection else "not connected",
        "indexing": {
            "pages": len(considered),
            "inspected": len(inspected),
            "indexed": len(indexed),
            "indexed_share": round(len(indexed) / len(considered), 3) if considered else None,
            "not_indexed": sorted(
                ({"url": u, "coverage": results[u]["coverage_state"]} for u in inspected if u not in indexed),
                key=lambda r: r["url"],
            ),
        },
        "performance": trend,
        "decaying_pages": by_kind.get("decay", []),
        "cannibalised_queries": by_kind.get("cannibalisation", []),
        "missing_pages": by_kind.get("missing_page", []),
        "page_proposals": _page_proposals(by_kind.get("missing_page", [])),
        "low_ctr_pages": by_kind.get("low_ctr", []),
        "snippet_rewrites": [
            {
                "page": r["slug"],
                "before": r["before_title"],
                "after": r["after_title"],
                "at": r["rewritten_at"].isoformat(timespec="seconds"),
            }
            for r in rewrites
        ],
        "inspection_quota": {
            "quota_day": quota_day(now).isoformat(),
            "used": used,
            "limit": daily_limit,
            "queued_due": due,
        },
    }
