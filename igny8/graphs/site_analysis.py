"""Analysis of an existing site (Case 1): its crawled pages mapped onto the active blueprint's grid by
embedding neighbours, the uncertain ones placed by the architect (validated), attributes the template lacks
recovered from the pages, and the report stored: coverage, gaps, thin pages, cannibals, orphans, JSON-LD."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated, Any

from langgraph.graph import StateGraph
from langgraph.runtime import Runtime
from typing_extensions import TypedDict

from igny8.agents.site_reader import PageForModel, SiteReaderAgent
from igny8.domain.blueprint import Blueprint
from igny8.graphs import chain
from igny8.llm.credits import Meter
from igny8.llm.gateway import ModelOutputError
from igny8.memory.blueprints import active_blueprint_id, get_blueprint
from igny8.memory.crawl_repo import crawled_pages
from igny8.memory.site_analysis_repo import save_analysis
from igny8.memory.tenancy import NotFound
from igny8.services import Services
from igny8.tools.keyword_files.filing import ClusterIndex
from igny8.tools.site_audit.findings import cluster_findings, grid_coverage, page_findings
from igny8.tools.site_audit.page_mapping import PageMapping, SitePage, map_pages

log = logging.getLogger(__name__)
PAGES_PER_CALL = 10
PAGES_FOR_ATTRIBUTES = 60


def _merge(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    return {**left, **right}


class AnalysisInput(TypedDict):
    account_id: int
    site_id: int
    use_model: bool


class AnalysisState(AnalysisInput):
    mappings: list[dict[str, Any]]
    report: Annotated[dict[str, Any], _merge]


@dataclass
class AnalysisContext:
    runtime: Services


def _site_pages(ctx: AnalysisContext, site_id: int) -> list[SitePage]:
    with ctx.runtime.database.connection() as conn:
        stored = crawled_pages(conn, site_id=site_id)
    return [
        SitePage(
            url=p.url,
            title=p.title,
            headings=[str(h[1]) for h in p.headings],
            main_text=p.main_text,
            word_count=p.word_count,
            internal_links=list(p.internal_links),
            json_ld_types=[str(block.get("@type")) for block in p.json_ld if isinstance(block, dict)],
            wp_terms=p.wp_terms,
            embedding=p.embedding,
            noindex=p.noindex,
        )
        for p in stored
    ]


def _blueprint(ctx: AnalysisContext, state: AnalysisInput) -> Blueprint:
    with ctx.runtime.database.connection() as conn:
        return get_blueprint(conn, account_id=state["account_id"], site_id=state["site_id"])


def _for_model(page: SitePage) -> PageForModel:
    return PageForModel(page.url, page.title, page.headings, page.main_text)


def map_onto_grid(state: AnalysisState, runtime: Runtime[AnalysisContext]) -> dict[str, Any]:
    ctx = runtime.context
    pages = _site_pages(ctx, state["site_id"])
    if not pages:
        raise NotFound(f"site {state['site_id']} has no crawled pages: run `igny8 site crawl` first")
    blueprint = _blueprint(ctx, state)
    mappings = map_pages(pages, blueprint, ClusterIndex.of(blueprint, ctx.runtime.embedder))
    return {"mappings": [m.as_dict() for m in mappings], "report": {"pages": len(pages)}}


def place_uncertain_pages(state: AnalysisState, runtime: Runtime[AnalysisContext]) -> dict[str, Any]:
    """The architect places pages the embeddings could not; a refused answer leaves the embedding's guess."""
    uncertain = [m for m in state["mappings"] if m["uncertain"]]
    if not state["use_model"] or not uncertain:
        return {"report": {"placed_by_model": 0, "model_refused": []}}
    ctx = runtime.context
    blueprint = _blueprint(ctx, state)
    pages = {p.url: p for p in _site_pages(ctx, state["site_id"])}
    agent = SiteReaderAgent(ctx.runtime.gateway)
    clusters = {c.slug: c.name for c in blueprint.clusters}
    meter = Meter(state["account_id"], state["site_id"], None)
    by_url = {m["url"]: dict(m) for m in state["mappings"]}
    placed, refused = 0, []
    for start in range(0, len(uncertain), PAGES_PER_CALL):
        batch = [pages[m["url"]] for m in uncertain[start : start + PAGES_PER_CALL] if m["url"] in pages]
        try:
            placements = agent.place_pages([_for_model(p) for p in batch], clusters, meter=meter)
        except ModelOutputError as exc:
            log.info("page placement refused: %s", exc)
            refused.extend(p.url for p in batch)
            continue
        for placement in placements:
            mapping = by_url[placement.url]
            mapping.update(cluster=placement.cluster, kind=placement.kind, uncertain=False, decided_by="model")
            placed += 1
    return {
        "mappings": list(by_url.values()),
        "report": {"placed_by_model": placed, "model_refused": refused},
    }


def recover_attributes(state: AnalysisState, runtime: Runtime[AnalysisContext]) -> dict[str, Any]:
    if not state["use_model"]:
        return {"report": {"recovered_attributes": [], "refused_values": []}}
    ctx = runtime.context
    blueprint = _blueprint(ctx, state)
    pages = _site_pages(ctx, state["site_id"])[:PAGES_FOR_ATTRIBUTES]
    agent = SiteReaderAgent(ctx.runtime.gateway)
    try:
        kept, refused = agent.recover_attributes(
            [_for_model(p) for p in pages],
            [a.name for a in blueprint.attributes],
            meter=Meter(state["account_id"], state["site_id"], None),
        )
    except ModelOutputError:
        return {"report": {"recovered_attributes": [], "refused_values": ["the architect's answer was invalid"]}}
    return {"report": {"recovered_attributes": [a.model_dump() for a in kept], "refused_values": refused}}


def write_report(state: AnalysisState, runtime: Runtime[AnalysisContext]) -> dict[str, Any]:
    ctx = runtime.context
    blueprint = _blueprint(ctx, state)
    pages = _site_pages(ctx, state["site_id"])
    mappings = [PageMapping(**m) for m in state["mappings"]]
    report = {
        **state["report"],
        "blueprint_version": blueprint.version,
        "coverage": grid_coverage(mappings, blueprint),
        "clusters": cluster_findings(mappings, blueprint),
        **page_findings(pages),
        "pages_mapped": state["mappings"],
    }
    with ctx.runtime.database.connection() as conn:
        blueprint_id = active_blueprint_id(conn, account_id=state["account_id"], site_id=state["site_id"])
        analysis_id = save_analysis(conn, site_id=state["site_id"], blueprint_id=blueprint_id, report=report)
    return {"report": {**report, "analysis_id": analysis_id}}


builder = StateGraph(AnalysisState, context_schema=AnalysisContext, input_schema=AnalysisInput)
chain(
    builder,
    [
        ("map_onto_grid", map_onto_grid),
        ("place_uncertain_pages", place_uncertain_pages),
        ("recover_attributes", recover_attributes),
        ("write_report", write_report),
    ],
)


def build_graph(checkpointer: Any = None) -> Any:
    return builder.compile(checkpointer=checkpointer)
