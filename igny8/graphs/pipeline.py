"""The content pipeline (SPEC §3, stages 0–7) driven by the site's active blueprint.

check_blueprint → ideas → tasks → content → images → review_export. Each stage is idempotent in the
database (natural keys), so a run killed at any point continues where it stopped when started again,
with no duplicate idea, task, page, image or charge; the graph's checkpoint skips finished stages.
Fan-out (content, images) goes through the executor: inline or Ray.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from langgraph.graph import StateGraph
from langgraph.runtime import Runtime
from typing_extensions import TypedDict

from igny8.agents.social import SocialAgent
from igny8.domain.blueprint import Blueprint
from igny8.graphs import chain, runs_if_chosen
from igny8.llm.gateway import ModelGateway
from igny8.memory import content_repo
from igny8.memory.blueprints import get_blueprint
from igny8.memory.database import Database
from igny8.memory.tenancy import get_site
from igny8.ray_cluster.executor import StageExecutor
from igny8.stages.briefs import build_brief, ordered_pages
from igny8.stages.enhance import enhance_site
from igny8.stages.linking import link_site
from igny8.stages.publish_or_wait import publish_or_wait
from igny8.stages.review import export_page, review_problems, write_preview
from igny8.stages.social import run_social_stage
from igny8.stages.video import run_video_stage
from igny8.stages.work import STAGE_WORK, WorkerSpec


def _merge(left: dict[str, Any], right: dict[str, Any]) -> dict[str, Any]:
    return {**left, **right}


class PipelineInput(TypedDict):
    """What a caller starts a run with: the site, how many pages, which stages."""

    site_id: int
    account_id: int
    limit: int | None
    stages: list[str]


class PipelineState(PipelineInput):
    blueprint_id: int | None
    counts: Annotated[dict[str, Any], _merge]
    log: Annotated[list[str], operator.add]


@dataclass
class PipelineContext:
    database: Database
    executor: StageExecutor
    spec: WorkerSpec
    batch_sizes: dict[str, int]
    max_in_flight: int
    gateway: ModelGateway | None = None
    progress: Callable[[str, int, int], None] = field(default=lambda stage, done, total: None)


class NoActiveBlueprint(LookupError):
    pass


def _blueprint(ctx: PipelineContext, state: PipelineState) -> Blueprint:
    with ctx.database.connection() as conn:
        return get_blueprint(conn, account_id=state["account_id"], site_id=state["site_id"])


def check_blueprint(state: PipelineState, runtime: Runtime[PipelineContext]) -> dict[str, Any]:
    """Stage 0: an active blueprint must exist."""
    try:
        blueprint = _blueprint(runtime.context, state)
    except LookupError as exc:
        raise NoActiveBlueprint(
            f"{exc}. Create one with `igny8 blueprint create ... --yes` (it activates the new version)"
        ) from exc
    return {"blueprint_id": blueprint.id, "log": [f"blueprint v{blueprint.version} is active"]}


def make_ideas(state: PipelineState, runtime: Runtime[PipelineContext]) -> dict[str, Any]:
    """Stage 2: one idea per planned page (hub, supporting, term, commercial) with its priority phase."""
    ctx = runtime.context
    blueprint = _blueprint(ctx, state)
    pages = ordered_pages(blueprint)[: state["limit"] or None]
    with ctx.database.connection() as conn:
        cluster_ids = content_repo.cluster_ids_of_blueprint(conn, blueprint_id=blueprint.id)
        added = 0
        for done, page in enumerate(pages, start=1):
            added += content_repo.insert_idea(
                conn,
                site_id=state["site_id"],
                blueprint_id=blueprint.id,
                cluster_id=cluster_ids.get(page.cluster or ""),
                page=page,
            )
            ctx.progress("ideas", done, len(pages))
        retired = content_repo.flag_retired_content(
            conn, site_id=state["site_id"], version=blueprint.version, planned_slugs=[p.slug for p in blueprint.pages]
        )
    log = [f"{added} new ideas"]
    if retired:
        log.append(
            f"{len(retired)} written page(s) are not in blueprint v{blueprint.version}: flagged, not deleted "
            f"({', '.join(retired[:5])}{', …' if len(retired) > 5 else ''})"
        )
    return {"counts": {"ideas": len(pages), "ideas_added": added, "pages_retired": len(retired)}, "log": log}


def make_tasks(state: PipelineState, runtime: Runtime[PipelineContext]) -> dict[str, Any]:
    """Stage 3: a brief per idea (cluster, type, structure, target keywords, outline)."""
    ctx = runtime.context
    blueprint = _blueprint(ctx, state)
    pages = {p.slug: p for p in blueprint.pages}
    added = 0
    with ctx.database.connection() as conn:
        ideas = content_repo.ideas_without_task(conn, blueprint_id=blueprint.id)
    batch = ctx.batch_sizes.get("tasks", 20)
    for start in range(0, len(ideas), batch):
        with ctx.database.connection() as conn:
            for idea in ideas[start : start + batch]:
                brief = build_brief(blueprint, pages[idea["idea_key"]])
                added += content_repo.insert_task(conn, idea_id=idea["id"], site_id=state["site_id"], brief=brief)
        ctx.progress("tasks", min(start + batch, len(ideas)), len(ideas))
    return {"counts": {"tasks_added": added}, "log": [f"{added} new tasks"]}


def _fan_out(ctx: PipelineContext, stage: str, items: list[int], heavy: bool) -> list[dict[str, Any]]:
    results = []
    ctx.progress(stage, 0, len(items))
    for result in ctx.executor.map(
        STAGE_WORK[stage],
        ctx.spec,
        items,
        batch_size=ctx.batch_sizes.get(stage, 1),
        heavy=heavy,
        max_in_flight=ctx.max_in_flight,
    ):
        results.append(result)
        ctx.progress(stage, len(results), len(items))
    return results


def write_content(state: PipelineState, runtime: Runtime[PipelineContext]) -> dict[str, Any]:
    """Stage 4: the writer agent writes each task's page (fanned out)."""
    ctx = runtime.context
    with ctx.database.connection() as conn:
        pending = content_repo.tasks_without_content(conn, blueprint_id=state["blueprint_id"])
    results = _fan_out(ctx, "content", pending, heavy=True)
    written = [r for r in results if not r.get("skipped")]
    kept = sum(1 for r in results if r.get("kept"))
    rewritten = sum(1 for r in written if r.get("rewritten"))
    return {
        "counts": {
            "pages_written": len(written),
            "pages_kept": kept,
            "pages_rewritten": rewritten,
            "words": sum(r.get("words", 0) for r in written),
            "tokens": sum(r.get("tokens", 0) for r in written),
            "content_nodes": sorted({r["node"] for r in results}),
        },
        "log": [f"{len(written)} pages written"],
    }


def place_links(state: PipelineState, runtime: Runtime[PipelineContext]) -> dict[str, Any]:
    """Stage 4.5: internal links (never blocks: a page whose linking fails is published without new links)."""
    ctx = runtime.context
    blueprint = _blueprint(ctx, state)
    result = link_site(
        ctx.database,
        ctx.gateway,
        account_id=state["account_id"],
        site_id=state["site_id"],
        blueprint=blueprint,
        progress=ctx.progress,
    )
    return {
        "counts": {
            "links_added": result.links_added,
            "links_bridged": result.bridged,
            "orphans_rescued": result.rescued,
            "link_failures": len(result.failures),
        },
        "log": [f"{result.links_added} internal links placed ({result.bridged} with a bridging sentence)"],
    }


def add_schema(state: PipelineState, runtime: Runtime[PipelineContext]) -> dict[str, Any]:
    """Stage 4.6: JSON-LD blocks and the on-page SERP elements."""
    ctx = runtime.context
    result = enhance_site(
        ctx.database,
        account_id=state["account_id"],
        site_id=state["site_id"],
        blueprint=_blueprint(ctx, state),
        progress=ctx.progress,
    )
    return {
        "counts": {"schema_blocks": result.blocks, "schema_invalid": len(result.invalid)},
        "log": [f"{result.blocks} JSON-LD blocks on {result.pages} pages, {len(result.invalid)} invalid"],
    }


def make_images(state: PipelineState, runtime: Runtime[PipelineContext]) -> dict[str, Any]:
    """Stages 5 and 6: image prompts and images for each page (fanned out)."""
    ctx = runtime.context
    with ctx.database.connection() as conn:
        pending = content_repo.content_without_images(conn, blueprint_id=state["blueprint_id"])
    results = _fan_out(ctx, "images", pending, heavy=True)
    return {"counts": {"images": sum(r["images"] for r in results)}, "log": [f"images for {len(results)} pages"]}


def review_export(state: PipelineState, runtime: Runtime[PipelineContext]) -> dict[str, Any]:
    """Stage 7 (before publishing): auto-approve rules, a publish-ready export per page, the static preview."""
    from igny8.memory import published_repo  # here, not at the top: this body is edited apart from the module

    ctx = runtime.context
    blueprint = _blueprint(ctx, state)
    titles = {p.slug: p.title for p in blueprint.pages}
    export_dir = Path(ctx.spec.export_dir)
    exported, approved, kept_published = [], 0, 0
    with ctx.database.connection() as conn:
        site = get_site(conn, account_id=state["account_id"], site_id=state["site_id"])
        rows = content_repo.content_of_blueprint(conn, blueprint_id=blueprint.id)
        published = published_repo.published_content_ids(conn, site_id=state["site_id"])
        written = {r["slug"] for r in rows}
        for done, row in enumerate(rows, start=1):
            images = content_repo.images_of(conn, row["id"])
            problems = review_problems(row, images)
            if row["id"] in published and not row["meta"].get("pending_rewrite"):
                status = "published"  # review never moves a page that is out on the site back
                kept_published += 1
            elif row["status"] == "approved" and row["meta"].get("approved_by") == "person":
                status = "approved"  # nor undoes a person's approval (the review queue, `publish`)
                approved += 1
            else:
                status = "approved" if not problems else "review"
                approved += not problems
            content_repo.set_content_status(conn, content_id=row["id"], status=status, meta_update={"review": problems})
            row = {**row, "status": status, "meta": {**row["meta"], "review": problems}}
            related = [
                {"slug": link.target, "title": titles[link.target]}
                for link in blueprint.link_map
                if link.source == row["slug"] and link.target in written
            ]
            exported.append(export_page(export_dir, row, images, related))
            ctx.progress("review", done, len(rows))
    index = write_preview(export_dir, site.name, exported)
    in_review = len(rows) - approved - kept_published
    return {
        "counts": {"approved": approved, "in_review": in_review, "published": kept_published, "preview": str(index)},
        "log": [
            f"{approved} approved, {in_review} need review, {kept_published} already published; preview at {index}"
        ],
    }


def publish(state: PipelineState, runtime: Runtime[PipelineContext]) -> dict[str, Any]:
    """Stage 7: approved pages to WordPress, when the site has a connection (`igny8 publish connect`).

    WordPress being down does not fail the run: the pages wait and the worker retries (stages/outages)."""
    ctx = runtime.context
    return publish_or_wait(
        ctx.database,
        account_id=state["account_id"],
        site_id=state["site_id"],
        blueprint=_blueprint(ctx, state),
        progress=ctx.progress,
    )


def make_videos(state: PipelineState, runtime: Runtime[PipelineContext]) -> dict[str, Any]:
    """Stage 9 (before 8, so that posts can carry the video): a narrated video per page, when the site chose a
    format (`igny8 social choose --video`); a page whose video fails is reported, publishing is never held."""
    ctx = runtime.context
    return run_video_stage(
        ctx.database, ctx.spec.settings, account_id=state["account_id"], site_id=state["site_id"], progress=ctx.progress
    )


def promote_socially(state: PipelineState, runtime: Runtime[PipelineContext]) -> dict[str, Any]:
    """Stage 8: posts for published pages on the site's chosen networks, scheduled, and the due ones sent."""
    ctx = runtime.context
    if ctx.gateway is None:
        return {"log": ["social: no model gateway in this run; posts not planned"]}
    return run_social_stage(
        ctx.database,
        SocialAgent(ctx.gateway),
        ctx.spec.settings,
        account_id=state["account_id"],
        site_id=state["site_id"],
        progress=ctx.progress,
    )


@dataclass(frozen=True, slots=True)
class Stage:
    """One pipeline stage: the name ``--stages`` uses, which is also its node's name, and its node."""

    name: str
    node: Callable[..., dict[str, Any]]


# The one definition of the stages, in order: names, node names and guards all come from here, so a guard
# cannot sit on the wrong node. ``check_blueprint`` is not a stage: every run needs the active blueprint.
PIPELINE_STAGES: tuple[Stage, ...] = (
    Stage("ideas", make_ideas),
    Stage("tasks", make_tasks),
    Stage("content", write_content),
    Stage("links", place_links),
    Stage("schema", add_schema),
    Stage("images", make_images),
    Stage("review", review_export),
    Stage("publish", publish),
    Stage("video", make_videos),
    Stage("social", promote_socially),
)
STAGES = tuple(stage.name for stage in PIPELINE_STAGES)

builder = StateGraph(PipelineState, context_schema=PipelineContext, input_schema=PipelineInput)
chain(
    builder,
    [("check_blueprint", check_blueprint)]
    + [(stage.name, runs_if_chosen(stage.name)(stage.node)) for stage in PIPELINE_STAGES],
)


def build_graph(checkpointer: Any = None) -> Any:
    return builder.compile(checkpointer=checkpointer)
