"""Scheduled site maintenance, with no person present: health score (with history), link audit and repair,
re-optimisation of low-scoring pages, and filling content gaps from the blueprint. Checkpointed, so a run
whose worker died continues where it stopped."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from langgraph.graph import StateGraph
from langgraph.runtime import Runtime
from typing_extensions import TypedDict

from igny8.domain.blueprint import Blueprint
from igny8.graphs import Node, chain, runs_if_chosen
from igny8.memory.blueprints import get_blueprint
from igny8.memory.health_history import latest_health_score, record_health
from igny8.memory.site_content import content_states, count_content, link_slugs
from igny8.services import Services
from igny8.stages.linking import audit_site, link_site
from igny8.stages.optimize import optimise_lowest
from igny8.stages.outages import alerts, describe, outage_service, record_outage
from igny8.stages.search_signals import search_signals
from igny8.tools.sag.health import SiteState, score_health

HEALTH_DROP_ALERT = 10.0
REOPTIMIZE_BELOW = 60.0
REOPTIMIZE_PAGES = 3
GAP_PAGES = 5


def _merge(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    return {**left, **right}


class MaintenanceInput(TypedDict):
    """What a caller starts a run with: the site and the maintenance tasks chosen."""

    site_id: int
    account_id: int
    tasks: list[str]


class MaintenanceState(MaintenanceInput):
    report: Annotated[dict[str, Any], _merge]


# Writes the site's next pages (account id, site id, how many pages in all) and returns the run's counts.
# The caller hands it in, so this graph does not import the workflow that runs the pipeline graph.
WritePages = Callable[[int, int, int], dict[str, Any]]
# Runs the site's Search Console work (account id, site id, blueprint): inspection share, sync, analysis and
# actions. Handed in by the worker, like WritePages; None skips it.
SearchConsoleWork = Callable[[int, int, Blueprint], dict[str, Any]]


@dataclass
class MaintenanceContext:
    runtime: Services
    write_pages: WritePages
    search_console: SearchConsoleWork | None = None


def waits_out_outages(task: str) -> Callable[[Node], Node]:
    """A maintenance task that meets a third-party outage records it (retried by the worker with backoff)
    and reports itself waiting, so the run completes its other tasks."""

    def wrap(node: Node) -> Node:
        @functools.wraps(node)
        def tolerant(state: MaintenanceState, runtime: Runtime[MaintenanceContext]) -> dict[str, Any]:
            try:
                return node(state, runtime)
            except Exception as exc:
                service = outage_service(exc)
                if service is None:
                    raise
                with runtime.context.runtime.database.connection() as conn:
                    row = record_outage(conn, site_id=state["site_id"], service=service, exc=exc, retry_tasks=[task])
                return {"report": {task: {"waiting": describe(row)}}}

        return tolerant

    return wrap


def _blueprint(ctx: MaintenanceContext, state: MaintenanceState) -> Blueprint:
    with ctx.runtime.database.connection() as conn:
        return get_blueprint(conn, account_id=state["account_id"], site_id=state["site_id"])


def site_state(ctx: MaintenanceContext, site_id: int) -> SiteState:
    with ctx.runtime.database.connection() as conn:
        rows = content_states(conn, site_id=site_id)
        links = link_slugs(conn, site_id=site_id)
    live = [r for r in rows if r["status"] in {"approved", "published"}]
    signals = search_signals(ctx.runtime.database, site_id=site_id)
    return SiteState(
        published={r["slug"]: r["meta"].get("target_keywords", []) for r in live},
        links=links if live else None,
        valid_schema={r["slug"] for r in live if r["meta"].get("schema_valid")},
        indexed=signals.indexed_slugs,
        clicks_held=signals.clicks_held,
    )


@runs_if_chosen("health", field="tasks")
def check_health(state: MaintenanceState, runtime: Runtime[MaintenanceContext]) -> dict[str, Any]:
    ctx = runtime.context
    blueprint = _blueprint(ctx, state)
    health = score_health(blueprint, site_state(ctx, state["site_id"]))
    with ctx.runtime.database.connection() as conn:
        previous = latest_health_score(conn, site_id=state["site_id"])
        record_health(
            conn,
            site_id=state["site_id"],
            blueprint_id=blueprint.id,
            score=health.score,
            components=[c.model_dump() for c in health.components],
        )
        waiting_on = alerts(conn, site_id=state["site_id"])
    report: dict[str, Any] = {"health": health.score, **({"alerts": waiting_on} if waiting_on else {})}
    if previous is not None and previous - health.score >= HEALTH_DROP_ALERT:
        report["proposal"] = (
            f"health fell from {previous:.0f} to {health.score:.0f}: review the blueprint and consider a new version"
        )
    return {"report": report}


@runs_if_chosen("links", field="tasks")
@waits_out_outages("links")
def audit_and_repair_links(state: MaintenanceState, runtime: Runtime[MaintenanceContext]) -> dict[str, Any]:
    ctx = runtime.context
    blueprint = _blueprint(ctx, state)

    def audit():  # type: ignore[no-untyped-def]
        return audit_site(ctx.runtime.database, site_id=state["site_id"], blueprint=blueprint)

    before = audit()
    repaired = 0
    if not before.ok:
        repaired = link_site(
            ctx.runtime.database,
            ctx.runtime.gateway,
            account_id=state["account_id"],
            site_id=state["site_id"],
            blueprint=blueprint,
        ).links_added
    after = audit() if repaired else before
    return {
        "report": {
            "links": {
                "orphans_before": len(before.orphans),
                "orphans_after": len(after.orphans),
                "missing_hub_links_after": len(after.missing_hub_links),
                "links_added": repaired,
                "coverage": after.coverage,
            }
        }
    }


@runs_if_chosen("optimize", field="tasks")
@waits_out_outages("optimize")
def reoptimize(state: MaintenanceState, runtime: Runtime[MaintenanceContext]) -> dict[str, Any]:
    ctx = runtime.context
    results = optimise_lowest(
        ctx.runtime.database,
        ctx.runtime.gateway,
        account_id=state["account_id"],
        site_id=state["site_id"],
        blueprint=_blueprint(ctx, state),
        count=REOPTIMIZE_PAGES,
        below=REOPTIMIZE_BELOW,
    )
    return {
        "report": {
            "optimize": [{"page": r.slug, "before": r.before, "after": r.after, "kept": r.accepted} for r in results]
        }
    }


@runs_if_chosen("gaps", field="tasks")
@waits_out_outages("gaps")
def fill_gaps(state: MaintenanceState, runtime: Runtime[MaintenanceContext]) -> dict[str, Any]:
    ctx = runtime.context
    with ctx.runtime.database.connection() as conn:
        written = count_content(conn, site_id=state["site_id"])
    planned = len(_blueprint(ctx, state).pages)
    if written >= planned:
        return {"report": {"gaps": {"written": 0, "remaining": 0}}}
    counts = ctx.write_pages(state["account_id"], state["site_id"], min(planned, written + GAP_PAGES))
    return {
        "report": {
            "gaps": {
                "written": counts.get("pages_written", 0),
                "remaining": planned - written - counts.get("pages_written", 0),
            }
        }
    }


@runs_if_chosen("search_console", field="tasks")
@waits_out_outages("search_console")
def search_console(state: MaintenanceState, runtime: Runtime[MaintenanceContext]) -> dict[str, Any]:
    ctx = runtime.context
    if ctx.search_console is None:
        return {"report": {"search_console": {"state": "not run by this worker"}}}
    work = ctx.search_console(state["account_id"], state["site_id"], _blueprint(ctx, state))
    return {"report": {"search_console": work}}


builder = StateGraph(MaintenanceState, context_schema=MaintenanceContext, input_schema=MaintenanceInput)
chain(
    builder,
    [
        ("links", audit_and_repair_links),
        ("optimize", reoptimize),
        ("gaps", fill_gaps),
        ("search_console", search_console),
        ("health", check_health),
    ],
)


def build_graph(checkpointer: Any = None) -> Any:
    return builder.compile(checkpointer=checkpointer)
