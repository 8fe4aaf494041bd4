"""The Search Console part of scheduled maintenance for one site: refresh the inspection queue and spend
today's share, sync search analytics, then find and act on decay, cannibalisation, missing pages (proposed
as new supporting pages in one draft blueprint version) and low CTR. A site that is not connected, or whose
grant was revoked, is reported and skipped: never retried in a loop, never a failed maintenance run."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from igny8.domain.blueprint import Blueprint
from igny8.memory.secret_box import secret_box_for
from igny8.memory.tenancy import get_site
from igny8.services import Services
from igny8.tools.search_console.errors import QuotaExceeded, ReconnectNeeded, SearchConsoleError, ServiceUnavailable
from igny8.tools.search_console.quota import MinuteLimiter
from igny8.workflows.search_console_actions import act_on_analysis, analyse_search_data
from igny8.workflows.search_console_connect import NotConnected, open_search_console
from igny8.workflows.search_console_inspect import refresh_queue, run_inspection_share
from igny8.workflows.search_console_proposals import ActiveVersionChanged, propose_missing_pages
from igny8.workflows.search_console_sync import sync_search_analytics

log = logging.getLogger(__name__)


def run_search_console_maintenance(
    runtime: Services, *, account_id: int, site_id: int, blueprint: Blueprint
) -> dict[str, Any]:
    settings, database = runtime.settings, runtime.database
    report: dict[str, Any] = {}
    with database.connection() as conn:
        site_url = get_site(conn, account_id=account_id, site_id=site_id).url
    try:
        with open_search_console(database, settings, secret_box_for(settings), site_id=site_id) as session:
            if site_url:
                refresh_queue(database, site_id=site_id, site_url=site_url, blueprint=blueprint)
                run = run_inspection_share(
                    database,
                    session,
                    daily_limit=settings.gsc_inspection_daily_limit,
                    limiter=MinuteLimiter(settings.gsc_inspection_per_minute),
                )
                report["inspection"] = {
                    "inspected": run.inspected,
                    "indexed": run.indexed,
                    "failed": run.failed,
                    "quota_used": run.quota_used,
                    "stopped": run.stopped,
                }
            else:
                report["inspection"] = {"skipped": "the site has no URL: set it to inspect its pages"}
            synced = sync_search_analytics(
                database,
                session,
                days=settings.gsc_sync_days,
                settle_days=settings.gsc_settle_days,
                row_limit=settings.gsc_row_limit,
            )
            report["sync"] = {"days": len(synced.days_fetched), "rows": synced.rows}
    except NotConnected:
        return {"state": "not connected"}
    except ReconnectNeeded as exc:
        return {"state": "reconnect", "message": str(exc)}
    except (QuotaExceeded, ServiceUnavailable) as exc:
        log.warning("Search Console of site %s: %s", site_id, exc)
        report["stopped"] = f"Google is not answering now ({exc.status}); the rest runs next time"
    except SearchConsoleError as exc:
        report["stopped"] = str(exc)
    analysis = analyse_search_data(database, site_id=site_id, blueprint=blueprint)
    actions = act_on_analysis(
        database, runtime.gateway, account_id=account_id, site_id=site_id, blueprint=blueprint, analysis=analysis
    )
    # Ranking queries without a page: one draft blueprint version proposing them (never activated here).
    try:
        report["page_proposals"] = propose_missing_pages(runtime, account_id=account_id, site_id=site_id)
    except ActiveVersionChanged as exc:
        report["page_proposals"] = {"skipped": str(exc)}
    report["findings"] = {
        "decaying": [d["slug"] for d in analysis.decaying],
        "cannibalised": [
            {"query": c["query"], "action": c["action"], "proposal": c["proposal"]} for c in analysis.cannibalised
        ],
        "missing_pages": [m["query"] for m in analysis.missing_pages],
        "low_ctr": [p["slug"] for p in analysis.low_ctr],
    }
    return {"state": "connected", **report, **actions}


def search_console_work(runtime: Services) -> Callable[[int, int, Blueprint], dict[str, Any]]:
    """The maintenance graph's hook (MaintenanceContext.search_console) for this process's services."""

    def work(account_id: int, site_id: int, blueprint: Blueprint) -> dict[str, Any]:
        return run_search_console_maintenance(runtime, account_id=account_id, site_id=site_id, blueprint=blueprint)

    return work
