"""The pages a cluster plans: its hub (title, structure, sections) and up to four supporting articles, one
per search pattern of its keywords, with their titles and structures. cluster_formation.py forms the clusters
and asks this module for their pages."""

from __future__ import annotations

import re
from collections import defaultdict

from igny8.domain.blueprint import Attribute, ClusterType, Hub, HubStructure, Keyword, SupportingPlan
from igny8.tools.sag.topic_names import attribute_phrase, title_case

MAX_SUPPORTING = 4

HUB_STRUCTURE: dict[ClusterType, HubStructure] = {
    "product_category": "category_overview",
    "condition_problem": "problem_solution",
    "feature": "guide_tutorial",
    "brand": "resource_library",
    "informational": "guide_tutorial",
    "comparison": "product_comparison",
    "location": "category_overview",
}
_HUB_TITLE: dict[ClusterType, str] = {
    "product_category": "{name}: Options, Costs and How to Choose",
    "condition_problem": "{name}: Causes, Solutions and Next Steps",
    "feature": "{name}: What to Know Before You Choose",
    "brand": "{name}: Reviews, Products and Alternatives",
    "informational": "{name}: The Complete Guide",
    "comparison": "Which {attribute} Is Right for You? Side-by-Side Comparisons",
    "location": "{name}: Your Local Guide",
}
_QUESTION = re.compile(r"^(how|what|why|when|is|are|can|does|do|should|which|where|who)\b")


def _supporting_structure(text: str) -> str:
    if " vs " in f" {text} " or " or " in f" {text} ":
        return "comparison"
    if text.startswith(("best ", "top ")):
        return "listicle"
    if "review" in text:
        return "review"
    if text.startswith("how to") or "step" in text:
        return "guide"
    return "article"


def supporting_title(text: str, structure: str | None = None) -> str:
    title = title_case(text)
    if _QUESTION.match(text):
        return title + "?"
    structure = structure or _supporting_structure(text)
    if structure == "comparison":
        return f"{title}: Which Is Right for You?"
    if structure == "listicle":
        return f"{title}: Our Top Picks"
    if structure == "review":
        return f"{title}: What Customers Say"
    return f"{title}: What You Need to Know"


def _hub_sections(keywords: list[Keyword]) -> list[str]:
    by_template: dict[str, str] = {}
    for keyword in keywords:
        by_template.setdefault(keyword.template, keyword.text)
    sections = [title_case(text) for text in list(by_template.values())[:8]]
    return sections + ["Frequently Asked Questions"]


def plan_supporting(keywords: list[Keyword], attributes: dict[str, Attribute]) -> list[SupportingPlan]:
    """One article per search pattern of the cluster (questions and comparisons first), targeting every
    keyword of that pattern, so three insurers' 'does X cover bridges' make one article, not three."""
    by_template: dict[str, list[Keyword]] = defaultdict(list)
    for keyword in keywords:
        by_template[keyword.template].append(keyword)
    groups = sorted(
        by_template.values(),
        key=lambda ks: (ks[0].intent != "informational" and " vs " not in f" {ks[0].text} ", -len(ks)),
    )
    if len(groups) > 1:
        groups = groups[1:] if groups[0][0].intent != "informational" else groups
    plans = []
    for group in groups[:MAX_SUPPORTING]:
        group = group[:5]
        lead = _generalise(group, attributes)
        structure = _supporting_structure(group[0].text)
        plans.append(
            SupportingPlan(
                title=supporting_title(lead, structure),
                structure=structure,  # type: ignore[arg-type]
                target_keywords=[k.text for k in group],
            )
        )
    return plans


def _generalise(group: list[Keyword], attributes: dict[str, Attribute]) -> str:
    """The lead keyword with the value that varies across the group named for all of them:
    'does cigna cover x' for Cigna, Aetna, Humana → 'does dental insurance cover x'."""
    lead = group[0]
    if any(slug.endswith("#2") for slug in lead.source):  # a comparison names its two values itself
        return lead.text
    for slug, value in lead.source.items():
        values = list(dict.fromkeys(k.source.get(slug, value) for k in group))
        if len(values) > 1 and value.lower() in lead.text:
            attribute = attributes.get(slug)
            if attribute is not None and (attribute.kind == "brand" or len(values) > 2):
                label = attribute_phrase(attribute)
            else:
                label = " or ".join(v.lower() for v in values)
            return lead.text.replace(value.lower(), label, 1)
    return lead.text


def plan_hub(cluster_type: ClusterType, name: str, keywords: list[Keyword], *, compared_attribute: str = "") -> Hub:
    """The cluster's hub page; ``compared_attribute`` names the attribute a comparison cluster compares."""
    title = _HUB_TITLE[cluster_type]
    if name.endswith(" We Accept"):  # the plans a practice accepts, not products to review
        title = "{name}: Coverage, Costs and What to Ask"
    elif _QUESTION.match(name.lower()):  # a topic named for a question ("What Causes Dental Concerns")
        title = "{name}?"
    return Hub(
        title=title.format(name=name, attribute=compared_attribute),
        structure=HUB_STRUCTURE[cluster_type],
        sections=_hub_sections(keywords),
    )
