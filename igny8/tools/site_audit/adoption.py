"""A blueprint proposal that keeps what works: each planned page adopts the existing URL that already
serves it (no new page where one serves the cluster), the other pages competing for the same cluster and
role are proposed as redirects into it, and existing posts get the terms (tags) of the values they name."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from igny8.domain.blueprint import Blueprint, PagePlan
from igny8.tools.site_audit.page_mapping import PageMapping

MIN_TITLE_OVERLAP = 0.2


@dataclass
class AdoptionProposal:
    adoptions: list[dict[str, Any]] = field(default_factory=list)  # plan slug → existing URL
    redirects: list[dict[str, str]] = field(default_factory=list)  # from → to (merged cannibals)
    new_pages: list[str] = field(default_factory=list)  # plan slugs no existing page serves
    kept_outside_plan: list[str] = field(default_factory=list)
    tagging: list[dict[str, str]] = field(default_factory=list)  # url, taxonomy, term

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def url_slug(url: str) -> str:
    parts = [p for p in urlsplit(url).path.split("/") if p]
    return parts[-1] if parts else ""


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", text.lower()))


def _overlap(a: str, b: str) -> float:
    left, right = _words(a), _words(b)
    return len(left & right) / len(left | right) if left | right else 0.0


class _Adopter:
    def __init__(self, blueprint: Blueprint) -> None:
        self.blueprint = blueprint
        self.proposal = AdoptionProposal()
        self.adopted: dict[str, PageMapping] = {}  # plan slug → page
        self.taken: set[str] = set()  # adopted URLs

    def adopt(self, plan: PagePlan, page: PageMapping, reason: str) -> None:
        self.adopted[plan.slug] = page
        self.taken.add(page.url)
        self.proposal.adoptions.append(
            {"plan_slug": plan.slug, "kind": plan.kind, "cluster": plan.cluster, "url": page.url, "reason": reason}
        )

    def adopt_commercial(self, mappings: list[PageMapping]) -> None:
        """Service/product pages by the value their title names; the home and about pages by address."""
        for plan in (p for p in self.blueprint.pages if p.kind == "commercial" and p.cluster is None):
            free = [m for m in mappings if m.url not in self.taken]
            page = None
            if plan.attribute_values:
                value = next(iter(plan.attribute_values.values())).lower()
                commercial = [m for m in free if m.kind == "commercial"]
                page = next((m for m in commercial if value in m.title.lower()), None) or next(
                    (m for m in commercial if any(value == v.lower() for vs in m.values.values() for v in vs)), None
                )
            elif plan.slug == "home":
                page = next((m for m in free if urlsplit(m.url).path in {"", "/"}), None)
            else:
                page = next((m for m in free if url_slug(m.url) == plan.slug), None)
            if page is not None:
                self.adopt(plan, page, "an existing page for the same offer" if plan.attribute_values else "same role")

    def adopt_cluster(self, slug: str, members: list[PageMapping]) -> None:
        plans = [p for p in self.blueprint.pages if p.cluster == slug and p.kind != "term"]
        free = [m for m in members if m.url not in self.taken]
        ranked = sorted(free, key=lambda m: (m.kind != "hub", m.kind == "commercial", -m.similarity))
        hub = next((p for p in plans if p.kind == "hub"), None)
        if hub is not None and ranked:
            self.adopt(hub, ranked[0], "the page that serves the cluster best")
        for plan in (p for p in plans if p.kind == "supporting"):
            scored = [(_overlap(plan.title, m.title), m) for m in ranked if m.url not in self.taken]
            best = max(scored, key=lambda item: item[0], default=None)
            if best is not None and best[0] >= MIN_TITLE_OVERLAP:
                self.adopt(plan, best[1], f"its title matches ({best[0]:.2f})")
        adopted_here = [self.adopted[p.slug] for p in plans if p.slug in self.adopted]
        for page in ranked:
            if page.url in self.taken:
                continue
            twin = next((a for a in adopted_here if a.kind == page.kind), None)
            if twin is not None:
                self.proposal.redirects.append(
                    {
                        "from": page.url,
                        "to": twin.url,
                        "cluster": slug,
                        "why": f"a second {page.kind} page for the cluster",
                    }
                )
                self.taken.add(page.url)

    def adopt_terms(self, mappings: list[PageMapping]) -> None:
        for plan in (p for p in self.blueprint.pages if p.kind == "term"):
            wanted = {(a, v.lower()) for a, v in plan.attribute_values.items()}
            page = next(
                (
                    m
                    for m in mappings
                    if m.kind == "term"
                    and m.url not in self.taken
                    and any((a, v.lower()) in wanted for a, values in m.values.items() for v in values)
                ),
                None,
            )
            if page is not None:
                self.adopt(plan, page, "an existing page about the value")


def propose_adoption(
    blueprint: Blueprint, mappings: list[PageMapping], wp_terms: dict[str, dict[str, list[str]]]
) -> AdoptionProposal:
    """``wp_terms``: per URL, the WordPress terms the page already has (taxonomy → slugs)."""
    adopter = _Adopter(blueprint)
    by_cluster: dict[str, list[PageMapping]] = {}
    for mapping in mappings:
        if mapping.cluster is not None and mapping.kind != "term":
            by_cluster.setdefault(mapping.cluster, []).append(mapping)
    adopter.adopt_commercial(mappings)
    for slug, members in by_cluster.items():
        adopter.adopt_cluster(slug, members)
    adopter.adopt_terms(mappings)
    proposal = adopter.proposal
    proposal.new_pages = [p.slug for p in blueprint.pages if p.slug not in adopter.adopted]
    proposal.kept_outside_plan = [m.url for m in mappings if m.url not in adopter.taken]
    for mapping in mappings:
        if mapping.url in adopter.taken and mapping.url not in {r["from"] for r in proposal.redirects}:
            have = set(wp_terms.get(mapping.url, {}).get("tag", []))
            for values in mapping.values.values():
                for value in values:
                    slug = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
                    if slug not in have:
                        proposal.tagging.append({"url": mapping.url, "taxonomy": "tags", "term": value, "slug": slug})
    return proposal


def adopting_blueprint(blueprint: Blueprint, proposal: AdoptionProposal) -> Blueprint:
    """The next version: each adopted plan takes its page's existing slug (so publishing updates that post
    instead of creating a new one), the proposal recorded in its notes."""
    slugs = {a["plan_slug"]: url_slug(a["url"]) for a in proposal.adoptions}
    used = {p.slug for p in blueprint.pages if p.slug not in slugs}
    pages, renamed = [], {}
    for plan in blueprint.pages:
        new_slug = slugs.get(plan.slug)
        if new_slug and new_slug not in used:
            used.add(new_slug)
            renamed[plan.slug] = new_slug
            pages.append(plan.model_copy(update={"slug": new_slug}))
        else:
            pages.append(plan)
    links = [
        link.model_copy(
            update={"source": renamed.get(link.source, link.source), "target": renamed.get(link.target, link.target)}
        )
        for link in blueprint.link_map
    ]
    notes = [
        *blueprint.notes,
        f"adopts {len(proposal.adoptions)} existing URLs; {len(proposal.redirects)} redirects proposed; "
        f"{len(proposal.new_pages)} new pages",
    ]
    return blueprint.model_copy(update={"pages": pages, "link_map": links, "notes": notes})
