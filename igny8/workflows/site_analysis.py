"""`igny8 site analyze|propose|approve|reject`: the analysis graph run for a site, the adoption proposal
made from its latest analysis (pending until a person decides), and on approval the adopting blueprint
version saved as a draft, the proposed tags applied to the existing posts through WordPress and the proposed
redirects created through the site's IGNY8 plugin (approving again sends the redirects still missing)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from igny8.graphs.site_analysis import AnalysisContext, build_graph
from igny8.memory import site_analysis_repo
from igny8.memory.blueprints import active_blueprint_id, get_blueprint, save_blueprint
from igny8.memory.crawl_repo import crawled_pages
from igny8.memory.secret_box import secret_box_for
from igny8.memory.tenancy import get_site
from igny8.memory.wordpress_connections import get_connection
from igny8.services import Services
from igny8.stages.plugin_redirects import RedirectOutcome, create_proposed_redirects
from igny8.stages.publish_connection import wordpress_client_for_site
from igny8.tools.site_audit.adoption import AdoptionProposal, adopting_blueprint, propose_adoption, url_slug
from igny8.tools.site_audit.page_mapping import PageMapping


class ProposalDecided(ValueError):
    """The proposal was already approved, rejected or applied; the text says which."""


@dataclass(frozen=True)
class Decision:
    proposal_id: int
    status: str
    blueprint_version: int | None
    tags_applied: int
    tagging_skipped: str | None
    redirects: RedirectOutcome | None = None


def analyze_site(runtime: Services, *, account_id: int, site_id: int, use_model: bool = True) -> dict[str, Any]:
    """Run the analysis graph; returns the stored report (with its ``analysis_id``)."""
    with runtime.database.connection() as conn:
        get_site(conn, account_id=account_id, site_id=site_id)
    state = build_graph().invoke(
        {"account_id": account_id, "site_id": site_id, "use_model": use_model},
        context=AnalysisContext(runtime),
    )
    return state["report"]


def propose_site_blueprint(runtime: Services, *, account_id: int, site_id: int) -> dict[str, Any]:
    """A pending proposal from the latest analysis: adoptions, redirects, new pages and tags."""
    with runtime.database.connection() as conn:
        analysis = site_analysis_repo.latest_analysis(conn, site_id=site_id)
        blueprint = get_blueprint(conn, account_id=account_id, site_id=site_id)
        blueprint_id = active_blueprint_id(conn, account_id=account_id, site_id=site_id)
        wp_terms = {p.url: p.wp_terms for p in crawled_pages(conn, site_id=site_id)}
        mappings = [PageMapping(**m) for m in analysis["report"]["pages_mapped"]]
        proposal = propose_adoption(blueprint, mappings, wp_terms).as_dict()
        proposal["from_blueprint_version"] = blueprint.version
        proposal_id = site_analysis_repo.save_proposal(
            conn, site_id=site_id, analysis_id=analysis["id"], blueprint_id=blueprint_id, proposal=proposal
        )
    return {"proposal_id": proposal_id, **proposal}


def _apply_tags(runtime: Services, account_id: int, site_id: int, tagging: list[dict[str, str]]) -> int:
    """Assign the proposed tags to the existing posts (created when missing); returns assignments made."""
    with runtime.database.connection() as conn:
        client = wordpress_client_for_site(conn, account_id=account_id, site_id=site_id)
    applied = 0
    with client:
        by_slug: dict[str, list[dict[str, str]]] = {}
        for item in tagging:
            by_slug.setdefault(url_slug(item["url"]), []).append(item)
        posts = {p["slug"]: p for p in client.find_by_slugs("posts", [s for s in by_slug if s])}
        for slug, items in by_slug.items():
            post = posts.get(slug)
            if post is None:
                continue  # a page, or a post WordPress no longer has: pages carry no tags
            tag_ids = set(post.get("tags", []))
            before = len(tag_ids)
            for item in items:
                term_slug = re.sub(r"[^a-z0-9]+", "-", item["term"].lower()).strip("-")
                tag_ids.add(client.create_term("tags", name=item["term"], slug=term_slug))
            if len(tag_ids) > before:
                client.update_item("posts", int(post["id"]), {"tags": sorted(tag_ids)})
                applied += len(tag_ids) - before
    return applied


def _create_redirects(
    runtime: Services, account_id: int, site_id: int, proposal_id: int, proposal: dict[str, Any]
) -> RedirectOutcome:
    with runtime.database.connection() as conn:
        site = get_site(conn, account_id=account_id, site_id=site_id)
        return create_proposed_redirects(
            conn,
            account_id=account_id,
            site_id=site_id,
            site_url=site.url or "",
            proposal_id=proposal_id,
            proposed=proposal.get("redirects", []),
            secrets=secret_box_for(runtime.settings),
        )


def decide_proposal(runtime: Services, *, account_id: int, site_id: int, proposal_id: int, approve: bool) -> Decision:
    """Approve (save the adopting blueprint as a draft version; apply the tags when WordPress is connected;
    create the redirects through the plugin) or reject. Nothing reaches WordPress before approval. Approving
    a proposal already approved only sends the redirects WordPress still lacks."""
    with runtime.database.connection() as conn:
        get_site(conn, account_id=account_id, site_id=site_id)
        row = site_analysis_repo.get_proposal(conn, site_id=site_id, proposal_id=proposal_id)
        if row["status"] in {"approved", "applied"} and approve:
            decided = row["status"]
        elif row["status"] != "pending":
            raise ProposalDecided(f"proposal {proposal_id} is already {row['status']}")
        else:
            decided = None
        if not approve:
            site_analysis_repo.decide_proposal(conn, proposal_id=proposal_id, status="rejected")
            return Decision(proposal_id, "rejected", None, 0, None)
    if decided is not None:
        redirects = _create_redirects(runtime, account_id, site_id, proposal_id, row["proposal"])
        return Decision(proposal_id, decided, None, 0, None, redirects)
    with runtime.database.connection() as conn:
        proposal = row["proposal"]
        blueprint = get_blueprint(
            conn, account_id=account_id, site_id=site_id, version=proposal["from_blueprint_version"]
        )
        adopting = adopting_blueprint(
            blueprint, AdoptionProposal(**{k: v for k, v in proposal.items() if k != "from_blueprint_version"})
        )
        texts = sorted({k.text for c in adopting.clusters for k in c.keywords})
        vectors = runtime.embedder.embed(texts) if texts else []
        stored = save_blueprint(
            conn,
            account_id=account_id,
            site_id=site_id,
            blueprint=adopting,
            embeddings=dict(zip(texts, vectors, strict=True)),
        )
        site_analysis_repo.decide_proposal(conn, proposal_id=proposal_id, status="approved", blueprint_id=stored.id)
        connected = get_connection(conn, site_id=site_id) is not None
    redirects = _create_redirects(runtime, account_id, site_id, proposal_id, proposal)
    if not proposal["tagging"]:
        return Decision(proposal_id, "approved", stored.version, 0, None, redirects)
    if not connected:
        return Decision(
            proposal_id, "approved", stored.version, 0, "no WordPress connection: tags not applied", redirects
        )
    applied = _apply_tags(runtime, account_id, site_id, proposal["tagging"])
    if redirects.failed or redirects.waiting:  # not done: stays approved; approving again sends the rest
        return Decision(proposal_id, "approved", stored.version, applied, None, redirects)
    with runtime.database.connection() as conn:
        site_analysis_repo.decide_proposal(conn, proposal_id=proposal_id, status="applied")
    return Decision(proposal_id, "applied", stored.version, applied, None, redirects)
