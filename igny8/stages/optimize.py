"""Score stored pages and optimise the weakest: every rewrite is scored before and after, and a rewrite that
lowers the score is rejected (the page stays as it was). The history is kept in the page's metadata.

A rewrite never undoes the linking stage: one that would lose an internal link is rejected, and a kept
rewrite leaves the links table true to the page (same targets, anchors as they now read)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from igny8.agents.linker import page_href
from igny8.agents.optimizer import OptimizerAgent, fit_description
from igny8.domain.blueprint import Blueprint
from igny8.llm.gateway import Meter, ModelGateway
from igny8.memory import content_repo
from igny8.memory.database import Database
from igny8.memory.links_repo import outgoing_links, set_link_anchor
from igny8.memory.tenancy import get_site
from igny8.tools.seo.content_scoring import ContentScore, score_content
from igny8.tools.seo.html_fragment import internal_link_nodes, lost_links, page_text, parse_fragment, text_of


@dataclass
class Optimisation:
    slug: str
    before: float
    after: float
    accepted: bool
    reason: str


def _context(blueprint: Blueprint, slug: str) -> dict[str, Any]:
    plan = {p.slug: p for p in blueprint.pages}
    page = plan.get(slug)
    cluster = next((c for c in blueprint.clusters if page and c.slug == page.cluster), None)
    hub = next(
        (
            p.slug
            for p in blueprint.pages
            if page and cluster and p.kind == "hub" and p.cluster == cluster.slug and page.kind == "supporting"
        ),
        None,
    )
    intents = {k.text: k.intent for c in blueprint.clusters for k in c.keywords}
    targets = page.target_keywords if page else []
    return {
        "structure": page.structure if page else "general",
        "targets": targets,
        "intents": [intents[t] for t in targets if t in intents],
        "cluster_keywords": [k.text for k in cluster.keywords] if cluster else [],
        "subtopics": cluster.hub.sections[:-1] if cluster else [],
        "hub_slug": hub,
    }


def score_row(
    row: dict[str, Any], blueprint: Blueprint, document: str | None = None, description: str | None = None
) -> ContentScore:
    ctx = _context(blueprint, row["slug"])
    return score_content(
        document=document or row["html"],
        title=row["title"],
        description=row["meta"].get("meta_description", "") if description is None else description,
        structure=ctx["structure"],
        targets=ctx["targets"],
        intents=ctx["intents"],
        cluster_keywords=ctx["cluster_keywords"],
        subtopics=ctx["subtopics"],
        hub_slug=ctx["hub_slug"],
    )


def score_site(database: Database, *, site_id: int, blueprint: Blueprint) -> list[tuple[dict[str, Any], ContentScore]]:
    with database.connection() as conn:
        rows = content_repo.site_content_for_scoring(conn, site_id=site_id)
    return sorted(((row, score_row(row, blueprint)) for row in rows), key=lambda pair: pair[1].total)


def optimise_page(
    database: Database,
    gateway: ModelGateway,
    *,
    account_id: int,
    site_id: int,
    blueprint: Blueprint,
    row: dict[str, Any],
) -> Optimisation:
    before = score_row(row, blueprint)
    ctx = _context(blueprint, row["slug"])
    text = page_text(row["html"])
    missing = [k for k in ctx["targets"] if k.lower() not in text.lower()]
    attempt = len(row["meta"].get("optimization", [])) + 1
    document, _ = OptimizerAgent(gateway).rewrite(
        row["html"],
        title=row["title"],
        missing_keywords=missing,
        meter=Meter(account_id, site_id, f"optimization:{row['id']}:{attempt}"),
    )
    description = fit_description(row["meta"].get("meta_description", ""), text)
    after = score_row(row, blueprint, document=document, description=description)
    with database.connection() as conn:
        site_url = get_site(conn, account_id=account_id, site_id=site_id).url or ""
    lost = lost_links(row["html"], document, site_url)
    accepted = after.total > before.total and not lost
    entry = {
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "before": before.total,
        "after": after.total,
        "accepted": accepted,
        **({"links_lost": sorted(lost)} if lost else {}),
        "dimensions_before": before.as_dict()["dimensions"],
        "dimensions_after": after.as_dict()["dimensions"],
    }
    with database.connection() as conn:
        if accepted:
            content_repo.accept_optimisation(
                conn,
                content_id=row["id"],
                html=document,
                meta_update={"meta_description": description, "score": after.total},
                entry=entry,
            )
            _keep_link_anchors(conn, row["id"], document, site_url)
        else:
            content_repo.record_optimisation_attempt(conn, content_id=row["id"], entry=entry)
    if lost:
        reason = f"rejected: the rewrite would drop internal links to {', '.join(sorted(lost))}"
    else:
        reason = "score went up" if accepted else "rejected: the rewrite did not raise the score"
    return Optimisation(row["slug"], before.total, after.total, accepted, reason)


def _keep_link_anchors(conn: Any, content_id: int, document: str, site_url: str) -> None:
    """Record each link's anchor as the rewritten page now reads it (the targets are unchanged)."""
    anchors: dict[str, str] = {}
    for a in internal_link_nodes(parse_fragment(document), site_url):
        anchors.setdefault(a.attributes.get("href") or "", text_of(a))
    for link in outgoing_links(conn, source_content_id=content_id):
        anchor = anchors.get(page_href(link["target_slug"]))
        if anchor and anchor != link["anchor"]:
            set_link_anchor(conn, link_id=link["id"], anchor=anchor)


def optimise_lowest(
    database: Database,
    gateway: ModelGateway,
    *,
    account_id: int,
    site_id: int,
    blueprint: Blueprint,
    count: int,
    below: float = 100.0,
) -> list[Optimisation]:
    """Batch mode: the ``count`` lowest-scoring pages under ``below``."""
    scored = [
        (row, score) for row, score in score_site(database, site_id=site_id, blueprint=blueprint) if score.total < below
    ][:count]
    return [
        optimise_page(database, gateway, account_id=account_id, site_id=site_id, blueprint=blueprint, row=row)
        for row, _ in scored
    ]
