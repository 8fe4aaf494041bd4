"""The chat-style site build: templates → attributes (review) → clusters (review) → a draft blueprint.

It pauses twice for a person (``interrupt``): to review the attributes, then the cluster preview. An
answer with edits is applied (all or nothing) and the same review is shown again; an answer without
edits approves. State lives in PostgreSQL checkpoints, so a build resumes after a restart.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.types import Command, interrupt
from pydantic import ValidationError
from typing_extensions import TypedDict

from igny8.agents.architect import ArchitectAgent
from igny8.agents.clusterer import ClustererAgent
from igny8.catalog.custom_sectors import sector_display_name, sector_info
from igny8.catalog.loader import Catalog
from igny8.domain.blueprint import Attribute, Cluster
from igny8.domain.business import BusinessDetails
from igny8.domain.catalog import KeywordTemplate, SectorTemplate
from igny8.llm.embedder import Embedder
from igny8.llm.gateway import Meter, ModelGateway
from igny8.memory.blueprints import save_blueprint
from igny8.memory.database import Database
from igny8.memory.sector_templates_repo import find_sector_template, save_sector_template
from igny8.memory.tenancy import create_site
from igny8.services import Services
from igny8.tools.sag.attribute_edits import EditError, ReviewAnswer, apply_attribute_edits, apply_cluster_edits
from igny8.tools.sag.attribute_population import AttributeSet, SectorPlan, merge_templates, populate
from igny8.tools.sag.blueprint_assembly import assemble_blueprint


class BuildRequest(TypedDict):
    account_id: int
    site_id: int | None
    site_name: str
    industry: str
    sectors: list[str]
    site_type: str
    business: dict[str, Any]
    auto_approve: bool


class SiteBuildState(TypedDict):
    request: BuildRequest
    templates: list[dict[str, Any]]
    attributes: list[dict[str, Any]]
    sector_plans: list[dict[str, Any]]
    clusters: list[dict[str, Any]]
    review_errors: list[str]
    notes: Annotated[list[str], operator.add]
    progress: Annotated[list[str], operator.add]
    blueprint_id: int | None
    site_id: int | None
    version: int | None


@dataclass
class SiteBuildContext:
    catalog: Catalog
    database: Database
    gateway: ModelGateway
    embedder: Embedder

    @classmethod
    def of(cls, runtime: Services) -> SiteBuildContext:
        """The context from the process's services."""
        return cls(runtime.catalog, runtime.database, runtime.gateway, runtime.embedder)


def _attribute_set(state: SiteBuildState) -> AttributeSet:
    return AttributeSet(
        attributes=[Attribute.model_validate(a) for a in state["attributes"]],
        sectors=[
            SectorPlan(p["sector"], [KeywordTemplate.model_validate(t) for t in p["keyword_templates"]])
            for p in state["sector_plans"]
        ],
    )


def _dump_set(attribute_set: AttributeSet) -> dict[str, Any]:
    return {
        "attributes": [a.model_dump(mode="json") for a in attribute_set.attributes],
        "sector_plans": [
            {"sector": p.sector, "keyword_templates": [t.model_dump(mode="json") for t in p.keyword_templates]}
            for p in attribute_set.sectors
        ],
    }


def load_templates(state: SiteBuildState, runtime: Runtime[SiteBuildContext]) -> dict[str, Any]:
    ctx = runtime.context
    request = state["request"]
    industry = ctx.catalog.industry(request["industry"])
    templates: list[SectorTemplate] = []
    notes: list[str] = []
    for slug in request["sectors"]:
        with ctx.database.connection() as conn:  # the account's own template first, then the catalog's
            stored = find_sector_template(conn, slug, account_id=request["account_id"])
        template = stored.template if stored else ctx.catalog.template(slug)
        if template is None:
            sector = sector_info(ctx.catalog, slug, request["site_type"])  # type: ignore[arg-type]
            example = next(
                (ctx.catalog.template(s.slug) for s in industry.sectors if ctx.catalog.template(s.slug)), None
            )
            template = ArchitectAgent(ctx.gateway).discover_sector_attributes(
                industry,
                sector,
                example=example,
                meter=Meter(request["account_id"], request["site_id"], f"attribute_discovery:{slug}"),
            )
            with ctx.database.connection() as conn:
                save_sector_template(conn, template, account_id=request["account_id"], name=sector.name)
            notes.append(f"{slug}: attribute template designed by the architect agent (source ai_generated)")
        templates.append(template)
    return {
        "templates": [t.model_dump(mode="json") for t in templates],
        "notes": notes,
        "progress": [f"templates loaded for {', '.join(request['sectors'])}"],
    }


def populate_attributes(state: SiteBuildState, runtime: Runtime[SiteBuildContext]) -> dict[str, Any]:
    templates = [SectorTemplate.model_validate(t) for t in state["templates"]]
    business = BusinessDetails.model_validate(state["request"]["business"])
    merged = populate(merge_templates(templates), business)
    return {
        **_dump_set(merged),
        "review_errors": [],
        "notes": merged.notes,
        "progress": [
            f"{len(merged.attributes)} attributes with {sum(len(a.values) for a in merged.attributes)} values"
        ],
    }


def _read_answer(answer: Any) -> ReviewAnswer | str:
    try:
        return ReviewAnswer.model_validate(answer or {})
    except ValidationError as exc:
        return f"the review answer is malformed: {exc.errors()[0]['msg']} at {exc.errors()[0]['loc']}"


def review_attributes(
    state: SiteBuildState, runtime: Runtime[SiteBuildContext]
) -> Command[Literal["review_attributes", "propose_clusters"]]:
    if state["request"]["auto_approve"]:
        return Command(goto="propose_clusters")
    answer = _read_answer(
        interrupt(
            {
                "stage": "attributes",
                "attributes": state["attributes"],
                "errors": state["review_errors"],
            }
        )
    )
    if isinstance(answer, str):
        return Command(goto="review_attributes", update={"review_errors": [answer]})
    if not answer.attribute_edits:
        return Command(goto="propose_clusters", update={"review_errors": []})
    try:
        edited = apply_attribute_edits(_attribute_set(state), answer.attribute_edits)
    except EditError as exc:
        return Command(goto="review_attributes", update={"review_errors": [str(exc)]})
    return Command(
        goto="review_attributes",
        update={
            **_dump_set(edited),
            "review_errors": [],
            "progress": [f"applied {len(answer.attribute_edits)} attribute edits"],
        },
    )


def propose_clusters(state: SiteBuildState, runtime: Runtime[SiteBuildContext]) -> dict[str, Any]:
    ctx = runtime.context
    names = {s: sector_display_name(ctx.catalog, s) for s in state["request"]["sectors"]}
    proposal = ClustererAgent(ctx.embedder).propose_clusters(_attribute_set(state), names)
    keywords = sum(len(c.keywords) for c in proposal.clusters)
    return {
        "clusters": [c.model_dump(mode="json") for c in proposal.clusters],
        "notes": proposal.notes,
        "review_errors": [],
        "progress": [f"{keywords} keywords in {len(proposal.clusters)} clusters"],
    }


def review_clusters(
    state: SiteBuildState, runtime: Runtime[SiteBuildContext]
) -> Command[Literal["review_clusters", "save_draft"]]:
    if state["request"]["auto_approve"]:
        return Command(goto="save_draft")
    preview = [
        {
            "slug": c["slug"],
            "name": c["name"],
            "type": c["type"],
            "sector": c["sector"],
            "hub": c["hub"]["title"],
            "keywords": len(c["keywords"]),
            "examples": [k["text"] for k in c["keywords"][:3]],
        }
        for c in state["clusters"]
    ]
    answer = _read_answer(interrupt({"stage": "clusters", "clusters": preview, "errors": state["review_errors"]}))
    if isinstance(answer, str):
        return Command(goto="review_clusters", update={"review_errors": [answer]})
    if not answer.cluster_edits:
        return Command(goto="save_draft", update={"review_errors": []})
    try:
        clusters, released = apply_cluster_edits(
            [Cluster.model_validate(c) for c in state["clusters"]], answer.cluster_edits
        )
    except EditError as exc:
        return Command(goto="review_clusters", update={"review_errors": [str(exc)]})
    notes = [f"{len(released)} keywords left the plan with removed clusters"] if released else []
    return Command(
        goto="review_clusters",
        update={
            "clusters": [c.model_dump(mode="json") for c in clusters],
            "review_errors": [],
            "notes": notes,
            "progress": [f"applied {len(answer.cluster_edits)} cluster edits"],
        },
    )


def save_draft(state: SiteBuildState, runtime: Runtime[SiteBuildContext]) -> dict[str, Any]:
    ctx = runtime.context
    request = state["request"]
    clusters = [Cluster.model_validate(c) for c in state["clusters"]]
    attribute_set = _attribute_set(state)
    blueprint = assemble_blueprint(
        site_type=request["site_type"],  # type: ignore[arg-type]
        industry=request["industry"],
        sectors=request["sectors"],
        business=BusinessDetails.model_validate(request["business"]),
        attributes=attribute_set.attributes,
        clusters=clusters,
        template_count=sum(len(p.keyword_templates) for p in attribute_set.sectors),
        notes=state["notes"],
    )
    texts = [k.text for c in clusters for k in c.keywords]
    vectors = ctx.embedder.embed(texts)
    with ctx.database.connection() as conn:  # one transaction: the site (if new) and the whole blueprint
        site_id = request["site_id"]
        if site_id is None:
            site_id = create_site(
                conn,
                account_id=request["account_id"],
                name=request["site_name"],
                url=None,
                site_type=request["site_type"],
                industry=request["industry"],
                sectors=request["sectors"],
            ).id
        stored = save_blueprint(
            conn,
            account_id=request["account_id"],
            site_id=site_id,
            blueprint=blueprint,
            embeddings=dict(zip(texts, vectors, strict=True)),
        )
    return {
        "blueprint_id": stored.id,
        "site_id": site_id,
        "version": stored.version,
        "progress": [f"draft blueprint v{stored.version} saved for site {site_id}"],
    }


builder = StateGraph(SiteBuildState, context_schema=SiteBuildContext)
builder.add_node("load_templates", load_templates)
builder.add_node("populate_attributes", populate_attributes)
builder.add_node("review_attributes", review_attributes)
builder.add_node("propose_clusters", propose_clusters)
builder.add_node("review_clusters", review_clusters)
builder.add_node("save_draft", save_draft)
builder.add_edge(START, "load_templates")
builder.add_edge("load_templates", "populate_attributes")
builder.add_edge("populate_attributes", "review_attributes")
builder.add_edge("propose_clusters", "review_clusters")
builder.add_edge("save_draft", END)


def build_graph(checkpointer: Any = None) -> Any:
    return builder.compile(checkpointer=checkpointer)


def initial_state(request: BuildRequest) -> dict[str, Any]:
    return {
        "request": request,
        "templates": [],
        "attributes": [],
        "sector_plans": [],
        "clusters": [],
        "review_errors": [],
        "notes": [],
        "progress": [],
        "blueprint_id": None,
        "site_id": request["site_id"],
        "version": None,
    }


def build_without_review(context: SiteBuildContext, request: BuildRequest, checkpointer: Any = None) -> dict[str, Any]:
    """Run a whole build with the reviews approved (``auto_approve``); returns the final state values."""
    from langgraph.checkpoint.memory import InMemorySaver

    graph = build_graph(checkpointer or InMemorySaver())
    config = {"configurable": {"thread_id": f"auto-{request['account_id']}-{'-'.join(request['sectors'])}"}}
    return graph.invoke(initial_state({**request, "auto_approve": True}), config, context=context)  # type: ignore[typeddict-item]


def build_active_site(
    context: SiteBuildContext, *, account_id: int, industry: str, sectors: list[str], site_type: str, site_name: str
) -> int:
    """A new site whose blueprint is built without review and activated; returns the site id."""
    from igny8.memory.blueprints import activate_blueprint

    request = BuildRequest(
        account_id=account_id,
        site_id=None,
        site_name=site_name,
        industry=industry,
        sectors=sectors,
        site_type=site_type,
        business={},
        auto_approve=True,
    )
    values = build_without_review(context, request)
    with context.database.connection() as conn:
        activate_blueprint(conn, account_id=account_id, site_id=values["site_id"], version=values["version"])
    return int(values["site_id"])
