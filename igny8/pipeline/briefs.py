"""Stage 2 and 3 without a model: ideas from the blueprint's page plan, and a brief per idea."""

from __future__ import annotations

import re
from typing import Any

from igny8.domain.blueprint import Blueprint, Cluster, PagePlan

KIND_ORDER = {"hub": 0, "commercial": 1, "supporting": 2, "term": 3}
_QUESTION = re.compile(r"^(how|what|why|when|is|are|can|does|do|should|which|where|who)\b")


def ordered_pages(blueprint: Blueprint) -> list[PagePlan]:
    """Pages in the order the pipeline writes them: priority phase, then hubs before the rest."""
    return sorted(blueprint.pages, key=lambda p: (p.priority_phase, KIND_ORDER[p.kind]))


def _questions(cluster: Cluster | None, topic: str) -> list[str]:
    if cluster is None:
        return [f"What should I know about {topic.lower()}?", f"How do I choose the right {topic.lower()}?"]
    found = [k.text for k in cluster.keywords if _QUESTION.match(k.text)]
    questions = [q[:1].upper() + q[1:] + "?" for q in found[:4]]
    return questions or [f"What should I know about {cluster.name.lower()}?"]


def build_brief(blueprint: Blueprint, page: PagePlan) -> dict[str, Any]:
    clusters = {c.slug: c for c in blueprint.clusters}
    cluster = clusters.get(page.cluster or "")
    titles = {p.slug: p.title for p in blueprint.pages}
    related = [
        {"slug": link.target, "title": titles[link.target], "link_type": link.link_type}
        for link in blueprint.link_map
        if link.source == page.slug and link.target in titles
    ]
    attribute_names = {a.slug: a.name for a in blueprint.attributes}
    values = {attribute_names.get(s.removesuffix("#2"), s): v for s, v in page.attribute_values.items()}
    topic = cluster.name if cluster else (next(iter(page.attribute_values.values()), None) or page.title)
    compared = []
    for keyword in page.target_keywords:
        if " vs " in keyword:
            compared = [part.strip().title() for part in keyword.split(" vs ", 1)]
            break
    options = {
        a.name: a.values
        for a in blueprint.attributes
        if a.slug in page.attribute_values or (cluster and a.slug in cluster.attribute_values)
    }
    outline = [s for s in (cluster.hub.sections if cluster and page.kind == "hub" else [])]
    return {
        "title": page.title,
        "slug": page.slug,
        "kind": page.kind,
        "content_type": page.content_type,
        "structure": page.structure,
        "priority_phase": page.priority_phase,
        "cluster": {"slug": cluster.slug, "name": cluster.name, "type": cluster.type} if cluster else None,
        "target_keywords": page.target_keywords,
        "topic": topic,
        "outline": outline,
        "questions": _questions(cluster, topic),
        "related": related[:8],
        "specs": values,
        "steps": [
            f"Tell us what you need with {topic.lower()}",
            "Get a clear plan and price",
            f"Your {topic.lower()}, done properly",
            "Follow-up and aftercare",
        ],
        "compared": compared,
        "attribute_options": options,
        "site_type": blueprint.site_type,
        "blueprint_version": blueprint.version,
    }
