"""Put the pieces together: clusters, taxonomy, pages, link map and health into one Blueprint."""

from __future__ import annotations

from collections import Counter

from igny8.domain.blueprint import Attribute, Blueprint, Cluster
from igny8.domain.business import BusinessDetails
from igny8.domain.catalog import SiteType
from igny8.tools.sag.health import score_health
from igny8.tools.sag.keyword_generation import SITE_KEYWORD_TARGET
from igny8.tools.sag.site_plan import plan_links, plan_pages, plan_taxonomy


def explain_shortfall(attributes: list[Attribute], keyword_count: int, template_count: int) -> str:
    small = [f"{a.name} ({len(a.values)} values)" for a in attributes if len(a.values) <= 5]
    why = (
        f"the niche has {len(attributes)} attributes with {sum(len(a.values) for a in attributes)} values in all "
        f"and {template_count} search patterns"
    )
    if small:
        why += f"; the narrowest axes are {', '.join(small)}"
    return (
        f"this niche yields {keyword_count} unique keywords, short of {SITE_KEYWORD_TARGET}: {why}. "
        "Add products, services, locations or a related sector to widen it."
    )


def assemble_blueprint(
    *,
    site_type: SiteType,
    industry: str,
    sectors: list[str],
    business: BusinessDetails,
    attributes: list[Attribute],
    clusters: list[Cluster],
    template_count: int,
    notes: list[str],
) -> Blueprint:
    pages = plan_pages(site_type, attributes, clusters, business.name or "")
    keyword_count = sum(len(c.keywords) for c in clusters)
    notes = list(notes)
    if keyword_count < SITE_KEYWORD_TARGET:
        notes.append(explain_shortfall(attributes, keyword_count, template_count))
    counts = Counter(c.type for c in clusters)
    notes.append("clusters by type: " + ", ".join(f"{t} {n}" for t, n in sorted(counts.items())))
    draft = Blueprint(
        site_type=site_type,
        industry=industry,
        sectors=sectors,
        business=business.model_dump(exclude_defaults=True),
        attributes=attributes,
        clusters=clusters,
        taxonomy=plan_taxonomy(attributes),
        pages=pages,
        link_map=plan_links(pages, clusters),
        health={"score": 0, "components": []},
        keyword_count=keyword_count,
        notes=notes,
    )
    return draft.model_copy(update={"health": score_health(draft)})
