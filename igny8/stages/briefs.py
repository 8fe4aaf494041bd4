"""Stage 2 and 3 without a model: ideas from the blueprint's page plan, and a brief per idea."""

from __future__ import annotations

import re

from igny8.domain.blueprint import Blueprint, Cluster, PagePlan
from igny8.domain.content import Brief, ComparisonRow

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


def _compared_values(blueprint: Blueprint, cluster: Cluster | None, target_keywords: list[str]) -> list[str]:
    """The two values an "x vs y" keyword compares, as the blueprint names them (from the keyword's
    source), so "crowns vs bonding cost" compares Dental Crowns and Dental Bonding, not "Bonding Cost"."""
    keywords = {k.text: k for c in blueprint.clusters for k in c.keywords}
    for text in target_keywords:
        if " vs " not in text:
            continue
        keyword = keywords.get(text)
        if keyword is not None and len(keyword.source) >= 2:
            return list(dict.fromkeys(keyword.source.values()))[:2]
        return [part.strip().title() for part in text.split(" vs ", 1)]
    return []


def _lowered(values: dict[str, str]) -> set[str]:
    return {v.lower() for v in values.values()}


def _is_comparison(keyword_source: dict[str, str]) -> bool:
    return any(slug.endswith("#2") for slug in keyword_source)


def comparison_rows(blueprint: Blueprint, compared: list[str]) -> list[ComparisonRow]:
    """Rows of a comparison table, each cell a fact the blueprint holds about one compared value (its
    attribute, what people search about it, its guide page). A row is kept only when every value has a
    cell and the cells differ (the type row excepted): a table never shows a placeholder."""
    if len(compared) < 2:
        return []
    attribute_of = {v.lower(): a.name for a in blueprint.attributes for v in a.values}
    facts: dict[str, dict[str, str]] = {}
    for value in compared:
        low = value.lower()
        searches: list[str] = []
        questions: list[str] = []
        for cluster in blueprint.clusters:
            for keyword in cluster.keywords:
                if _is_comparison(keyword.source) or low not in keyword.text:
                    continue
                if _QUESTION.match(keyword.text):
                    questions.append(keyword.text[:1].upper() + keyword.text[1:] + "?")
                else:
                    rest = " ".join(keyword.text.replace(low, " ").split())
                    if rest:
                        searches.append(rest)
        hub = next(
            (p.title for p in blueprint.pages if p.kind == "hub" and low in _lowered(p.attribute_values)),
            None,
        )
        cells = {
            "Type": attribute_of.get(low, ""),
            "Often searched with": ", ".join(list(dict.fromkeys(searches))[:4]),
            "Common question": questions[0] if questions else "",
            "Our guide": hub or "",
        }
        facts[value] = cells
    rows = []
    for aspect in ("Type", "Often searched with", "Common question", "Our guide"):
        cells = [facts[v][aspect] for v in compared]
        if all(cells) and (aspect == "Type" or len(set(cells)) > 1):  # a row that tells nothing apart is left out
            rows.append({"aspect": aspect, "cells": cells})
    return rows


def build_brief(blueprint: Blueprint, page: PagePlan) -> Brief:
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
    compared = _compared_values(blueprint, cluster, page.target_keywords)
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
        # Only steps the blueprint knows are real; none is known yet, so the writer writes the section as
        # prose and no HowTo is claimed. (A generic "get in touch, agree a plan" list is a placeholder.)
        "steps": [],
        "compared": compared,
        "comparison_rows": comparison_rows(blueprint, compared),
        "attribute_options": options,
        "site_type": blueprint.site_type,
        "blueprint_version": blueprint.version,
    }
