"""Stage 4.5: internal links for every written page of a site, then a rescue pass so no page is an orphan.

Incremental: a page keeps the links it has, and gains links to pages written since. Links are stored in
the links table (one per source and target) and placed in the page's HTML, never inside the SERP elements
of stage 4.6 (enhancement rebuilds those, so a link there would vanish while its row stayed).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np

from igny8.agents.linker import LinkerAgent
from igny8.domain.blueprint import Blueprint
from igny8.llm.gateway import Meter, ModelGateway
from igny8.memory import content_repo, links_repo
from igny8.memory.database import Database
from igny8.tools.seo.html_fragment import page_text
from igny8.tools.seo.link_audit import AuditPage, LinkAudit, audit_links
from igny8.tools.seo.link_scoring import Candidate, PageInfo
from igny8.tools.seo.serp_elements import place_elements, split_elements

log = logging.getLogger(__name__)
SEMANTIC_NEIGHBOURS = 5


@dataclass
class LinkingResult:
    pages: int
    links_added: int
    bridged: int
    rescued: int
    failures: list[str]


def _pages(database: Database, site_id: int, blueprint: Blueprint) -> dict[str, dict[str, Any]]:
    plan = {p.slug: p for p in blueprint.pages}
    with database.connection() as conn:
        rows = content_repo.site_content_for_linking(conn, site_id=site_id)
        inbound = links_repo.inbound_link_counts(conn, site_id=site_id)
        outbound = {}
        for r in links_repo.site_links(conn, site_id=site_id):
            outbound.setdefault(r["source_content_id"], []).append((r["target_content_id"], r["anchor"]))
    pages = {}
    for row in rows:
        page = plan.get(row["slug"])
        if page is None:
            continue
        pages[row["slug"]] = {
            **row,
            "plan": page,
            "inbound": inbound.get(row["id"], 0),
            "outbound": outbound.get(row["id"], []),
        }
    return pages


def _info(page: dict[str, Any]) -> PageInfo:
    plan = page["plan"]
    return PageInfo(
        slug=plan.slug,
        title=plan.title,
        kind=plan.kind,
        cluster=plan.cluster,
        priority_phase=plan.priority_phase,
        keywords=tuple(plan.target_keywords),
        inbound=page["inbound"],
    )


def _similarity(a: Any, b: Any) -> float:
    if a is None or b is None:
        return 0.0
    va = np.asarray(a.to_numpy() if hasattr(a, "to_numpy") else a, dtype=np.float32)
    vb = np.asarray(b.to_numpy() if hasattr(b, "to_numpy") else b, dtype=np.float32)
    denominator = float(np.linalg.norm(va) * np.linalg.norm(vb)) or 1.0
    return float(va @ vb) / denominator


def _neighbours(database: Database, site_id: int, page: dict[str, Any]) -> list[str]:
    if page["embedding"] is None:
        return []
    with database.connection() as conn:
        return content_repo.nearest_content_slugs(
            conn, site_id=site_id, content_id=page["id"], embedding=page["embedding"], limit=SEMANTIC_NEIGHBOURS
        )


def _store(database: Database, site_id: int, page: dict[str, Any], document: str, placed: list, pages: dict) -> None:
    with database.connection() as conn:
        content_repo.set_content_html(conn, content_id=page["id"], html=document)
        for link in placed:
            links_repo.insert_link(
                conn,
                site_id=site_id,
                source_content_id=page["id"],
                target_content_id=pages[link.target]["id"],
                link_type=link.link_type,
                anchor=link.anchor,
                score=link.score,
            )
            pages[link.target]["inbound"] += 1
    page["html"] = document


def _words(document: str) -> int:
    return len(page_text(document).split())


def _place_outside_elements(
    linker: LinkerAgent, document: str, candidates: list[Candidate], meter: Meter, **options: Any
) -> tuple[str, list[Any]]:
    """Place links in the page's own text: the SERP elements are taken out first and put back after."""
    base, elements = split_elements(document)
    updated, placed = linker.place_links(base, candidates, _words(base), meter=meter, **options)
    if not placed:
        return document, placed
    return (place_elements(updated, elements) if elements else updated), placed


def link_site(
    database: Database,
    gateway: ModelGateway | None,
    *,
    account_id: int,
    site_id: int,
    blueprint: Blueprint,
    progress: Any = None,
) -> LinkingResult:
    pages = _pages(database, site_id, blueprint)
    by_id = {p["id"]: slug for slug, p in pages.items()}
    linker = LinkerAgent(gateway)
    result = LinkingResult(pages=len(pages), links_added=0, bridged=0, rescued=0, failures=[])
    planned: dict[str, list[tuple[str, str]]] = {}
    for link in blueprint.link_map:
        planned.setdefault(link.source, []).append((link.target, link.link_type))
    for done, (slug, page) in enumerate(sorted(pages.items()), start=1):
        linked = {by_id.get(t) for t, _ in page["outbound"]}
        candidates = [
            Candidate(_info(pages[t]), link_type, _similarity(page["embedding"], pages[t]["embedding"]))
            for t, link_type in planned.get(slug, [])
            if t in pages and t not in linked
        ]
        structural = {c.target.slug for c in candidates}
        candidates += [
            Candidate(_info(pages[t]), "contextual", _similarity(page["embedding"], pages[t]["embedding"]))
            for t in _neighbours(database, site_id, page)
            if t in pages and t not in linked and t not in structural
        ]
        try:
            document, placed = _place_outside_elements(
                linker,
                page["html"],
                candidates,
                Meter(account_id, site_id, f"internal_linking:{page['id']}"),
                used_anchors={a for _, a in page["outbound"]},
            )
        except Exception as exc:  # stage 4.5 never blocks publishing
            log.warning("linking %s failed: %s", slug, exc)
            result.failures.append(f"{slug}: {exc}")
            continue
        if not placed and not page["outbound"] and candidates:
            # A dead end: give it its strongest structural link, with a bridging sentence if need be.
            best = max(candidates, key=lambda c: (c.link_type != "contextual", c.score))
            best.mandatory = True
            document, placed = _place_outside_elements(
                linker, page["html"], [best], Meter(account_id, site_id, f"internal_linking:{page['id']}")
            )
        if placed:
            _store(database, site_id, page, document, placed, pages)
            result.links_added += len(placed)
            result.bridged += sum(1 for link in placed if link.bridged)
        if progress:
            progress("links", done, len(pages))
    result.rescued = _rescue_orphans(database, linker, pages, planned, account_id, site_id)
    result.links_added += result.rescued
    return result


def _rescue_orphans(
    database: Database,
    linker: LinkerAgent,
    pages: dict[str, dict[str, Any]],
    planned: dict[str, list[tuple[str, str]]],
    account_id: int,
    site_id: int,
) -> int:
    """Give every page without an inbound link one, from a page that plans to link to it, else its
    cluster's hub, else the most similar page."""
    rescued = 0
    for slug, page in sorted(pages.items()):
        if page["inbound"] or slug == "home" or len(pages) < 2:
            continue
        sources = [
            s for s, targets in planned.items() if s in pages and s != slug and any(t == slug for t, _ in targets)
        ]
        hub = next(
            (
                s
                for s, p in pages.items()
                if p["plan"].kind == "hub" and p["plan"].cluster == page["plan"].cluster and s != slug
            ),
            None,
        )
        similar = max(
            (s for s in pages if s != slug), key=lambda s: _similarity(page["embedding"], pages[s]["embedding"])
        )
        source_slug = (sources or [hub or similar])[0]
        source = pages[source_slug]
        candidate = Candidate(
            _info(page), "contextual", _similarity(page["embedding"], source["embedding"]), mandatory=True
        )
        document, placed = _place_outside_elements(
            linker, source["html"], [candidate], Meter(account_id, site_id, f"internal_linking:rescue:{page['id']}")
        )
        if placed:
            _store(database, site_id, source, document, placed, pages)
            rescued += 1
    return rescued


def audit_site(database: Database, *, site_id: int, blueprint: Blueprint) -> LinkAudit:
    """Audit mode over every written page of a site."""
    plan = {p.slug: p for p in blueprint.pages}
    with database.connection() as conn:
        rows = content_repo.site_content_html(conn, site_id=site_id)
    return audit_links(
        [
            AuditPage(
                r["slug"],
                plan[r["slug"]].kind if r["slug"] in plan else "page",
                plan[r["slug"]].cluster if r["slug"] in plan else None,
                r["html"],
            )
            for r in rows
        ]
    )
