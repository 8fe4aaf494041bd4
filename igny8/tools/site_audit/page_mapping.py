"""Each crawled page mapped onto the grid: the attribute values it names, the cluster it serves (embedding
neighbours among the cluster's keywords), and its role (hub, supporting, term, commercial)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from igny8.domain.blueprint import Blueprint
from igny8.tools.keyword_files.filing import ClusterIndex

# Cosine similarity a page needs to its best cluster to count as serving it, and the lead over the second.
SERVES_CLUSTER = 0.30
CLEAR_LEAD = 0.03
VALUE_WEIGHT = 0.3  # a page naming all its cluster's values, in its title too, gains this much
_COMMERCIAL_PATH = re.compile(
    r"/(services?|products?|shop|store|pricing|book|appointments?|treatments?)/|-(services?|pricing)/?$"
)
_TERM_PATH = re.compile(r"/(category|tag|topics?|[a-z0-9_-]+-type)/")
_COMMERCIAL_SCHEMA = {"Service", "Product", "Offer", "MedicalProcedure", "LocalBusiness", "Dentist"}


@dataclass(frozen=True)
class SitePage:
    url: str
    title: str
    headings: list[str]
    main_text: str
    word_count: int
    internal_links: list[str]
    json_ld_types: list[str]
    wp_terms: dict[str, list[str]]
    embedding: np.ndarray | None
    noindex: bool = False


@dataclass
class PageMapping:
    url: str
    title: str
    values: dict[str, list[str]]  # attribute slug → values the page names
    cluster: str | None
    similarity: float
    runner_up: str | None
    kind: str
    uncertain: bool
    decided_by: str = "embedding"
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "similarity": round(self.similarity, 3)}


def _mentions(text: str, value: str) -> bool:
    return re.search(r"\b" + re.escape(value.lower()) + r"s?\b", text) is not None


def values_named(page: SitePage, blueprint: Blueprint) -> dict[str, list[str]]:
    """The attribute values the page's title, headings or first part of its text name."""
    text = " ".join([page.title, *page.headings, page.main_text[:3000]]).lower()
    found = {a.slug: [v for v in a.values if _mentions(text, v)] for a in blueprint.attributes}
    return {slug: values for slug, values in found.items() if values}


def page_kind(page: SitePage, values: dict[str, list[str]], blueprint: Blueprint) -> str:
    """Commercial (a service/product page), term (a taxonomy archive or a page about one value), hub (a broad
    page linking to many of its own site's pages on the topic), else supporting."""
    path = urlsplit(page.url).path.lower()
    if _TERM_PATH.search(path):
        return "term"
    if _COMMERCIAL_PATH.search(path) or _COMMERCIAL_SCHEMA & set(page.json_ld_types):
        return "commercial"
    title = page.title.lower()
    for attribute in blueprint.attributes:
        if any(title.strip() == v.lower() for v in attribute.values):
            return "term"
    if page.word_count >= 1200 and len(page.internal_links) >= 10:
        return "hub"
    return "supporting"


def value_evidence(page: SitePage, values: dict[str, list[str]], blueprint: Blueprint) -> np.ndarray:
    """Per cluster, how strongly the page names the cluster's own attribute values: the share of them it
    names, counted double when its title names them (the grid's signal, next to the embedding's)."""
    title = page.title.lower()
    evidence = np.zeros(len(blueprint.clusters), dtype=np.float32)
    for position, cluster in enumerate(blueprint.clusters):
        wanted = list(cluster.attribute_values.items())
        if not wanted:
            continue
        named = sum(1 for a, v in wanted if v in values.get(a, []))
        in_title = sum(1 for _, v in wanted if _mentions(title, v))
        evidence[position] = VALUE_WEIGHT * (named + in_title) / (2 * len(wanted))
    return evidence


def map_pages(pages: list[SitePage], blueprint: Blueprint, index: ClusterIndex) -> list[PageMapping]:
    """Each page's cluster by embedding similarity plus value evidence; uncertain when no cluster reaches
    SERVES_CLUSTER or the runner-up is within CLEAR_LEAD."""
    mappings = []
    for page in pages:
        values = values_named(page, blueprint)
        kind = page_kind(page, values, blueprint)
        if page.embedding is None:
            mappings.append(PageMapping(page.url, page.title, values, None, 0.0, None, kind, True))
            continue
        row = index.cluster_similarities(page.embedding[None, :])[0] + value_evidence(page, values, blueprint)
        order = np.argsort(row)[::-1]
        best = int(order[0])
        second = int(order[1]) if len(order) > 1 else None
        lead = float(row[best] - row[second]) if second is not None else 1.0
        serves = float(row[best]) >= SERVES_CLUSTER
        mappings.append(
            PageMapping(
                url=page.url,
                title=page.title,
                values=values,
                cluster=index.slugs[best] if serves else None,
                similarity=float(row[best]),
                runner_up=index.slugs[second] if second is not None else None,
                kind=kind,
                uncertain=not serves or lead < CLEAR_LEAD,
            )
        )
    return mappings
