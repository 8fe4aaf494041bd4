"""The blueprint health score: 0–100 from five weighted components (SPEC §2).

Content completeness and keyword coverage measure what the site has published against the plan;
internal-link coverage and technical SEO are measured on the plan until pages exist and then on the
pages; indexing and performance comes from Search Console (URL Inspection and search analytics) and
scores 0 without it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from igny8.domain.blueprint import Blueprint, Health, HealthComponent


@dataclass(frozen=True)
class SiteState:
    """What exists on the site: published page slugs → the keywords each page targets, and indexing."""

    published: dict[str, list[str]] = field(default_factory=dict)
    links: list[tuple[str, str]] | None = None  # (source slug, target slug) of links actually in pages
    indexed: set[str] | None = None
    valid_schema: set[str] | None = None
    clicks_held: float | None = None  # 0–1: the latest 28 days' clicks against the 28 before (Search Console)


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _completeness(blueprint: Blueprint, state: SiteState) -> HealthComponent:
    score, parts = 0.0, []
    for kind, label in (("hub", "hubs"), ("supporting", "supporting articles"), ("term", "term pages")):
        planned = [p.slug for p in blueprint.pages if p.kind == kind]
        done = sum(1 for slug in planned if slug in state.published)
        score += 10 * _share(done, len(planned))
        parts.append(f"{done}/{len(planned)} {label}")
    return HealthComponent(
        name="content_completeness", weight=30, score=round(score, 1), detail="published: " + ", ".join(parts)
    )


def _link_coverage(blueprint: Blueprint, state: SiteState) -> HealthComponent:
    if state.links is not None:
        edges, basis = state.links, "published links"
        pages = [p for p in blueprint.pages if p.slug in state.published]
    else:
        edges, basis = [(link.source, link.target) for link in blueprint.link_map], "planned link map"
        pages = blueprint.pages
    inbound = {target for _, target in edges}
    outbound = set(edges)
    linkable = [p for p in pages if p.slug != "home"]
    not_orphan = sum(1 for p in linkable if p.slug in inbound)
    hubs = {p.cluster: p.slug for p in blueprint.pages if p.kind == "hub"}
    supporting = [p for p in pages if p.kind == "supporting"]
    to_hub = sum(1 for p in supporting if (p.slug, hubs.get(p.cluster)) in outbound)
    score = 10 * _share(not_orphan, len(linkable)) + 10 * _share(to_hub, len(supporting))
    return HealthComponent(
        name="internal_link_coverage",
        weight=20,
        score=round(score, 1),
        detail=f"{basis}: {len(linkable) - not_orphan} orphan pages of {len(linkable)}; "
        f"{to_hub}/{len(supporting)} supporting pages link to their hub",
    )


def _keyword_coverage(blueprint: Blueprint, state: SiteState) -> HealthComponent:
    wanted = {k.text for c in blueprint.clusters for k in c.keywords}
    targeted = {k for keywords in state.published.values() for k in keywords} & wanted
    return HealthComponent(
        name="keyword_coverage",
        weight=20,
        score=round(20 * _share(len(targeted), len(wanted)), 1),
        detail=f"{len(targeted)}/{len(wanted)} cluster keywords targeted by published pages",
    )


def _technical(blueprint: Blueprint, state: SiteState) -> HealthComponent:
    pages = [p for p in blueprint.pages if p.slug in state.published] if state.published else blueprint.pages
    titles = [p.title.lower() for p in pages]
    unique_titles = _share(len(set(titles)), len(titles))
    has_metadata = _share(sum(1 for p in pages if p.title and p.structure and p.content_type), len(pages))
    if state.valid_schema is not None and state.published:
        schema = _share(sum(1 for p in pages if p.slug in state.valid_schema), len(pages))
        basis = "published pages"
    else:
        schema, basis = has_metadata, "page plan"
    score = 5 * unique_titles + 5 * has_metadata + 5 * schema
    duplicates = len(titles) - len(set(titles))
    return HealthComponent(
        name="technical_seo",
        weight=15,
        score=round(score, 1),
        detail=f"{basis}: {duplicates} duplicate titles, metadata on {has_metadata:.0%}, valid schema on {schema:.0%}",
    )


def _indexing(blueprint: Blueprint, state: SiteState) -> HealthComponent:
    """Share indexed (URL Inspection); with search analytics, 10 for indexing and 5 for clicks held."""
    if state.indexed is None or not state.published:
        return HealthComponent(name="indexing_performance", weight=15, score=0.0, detail="no Search Console data yet")
    indexed = sum(1 for slug in state.published if slug in state.indexed)
    detail = f"{indexed}/{len(state.published)} published pages indexed"
    if state.clicks_held is None:
        score = 15 * _share(indexed, len(state.published))
    else:
        score = 10 * _share(indexed, len(state.published)) + 5 * state.clicks_held
        detail += f"; clicks held {state.clicks_held:.0%} of the previous 28 days"
    return HealthComponent(name="indexing_performance", weight=15, score=round(score, 1), detail=detail)


def score_health(blueprint: Blueprint, state: SiteState | None = None) -> Health:
    state = state or SiteState()
    components = [
        fn(blueprint, state) for fn in (_completeness, _link_coverage, _keyword_coverage, _technical, _indexing)
    ]
    return Health(score=round(sum(c.score for c in components), 1), components=components)
