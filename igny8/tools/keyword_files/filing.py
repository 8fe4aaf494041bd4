"""Filing imported keywords under a blueprint's clusters without a model: the nearest cluster by embedding
(a keyword's best match among each cluster's own keywords), with intent breaking near ties. What stays
uncertain goes to the model (the keyword filer agent)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from igny8.domain.blueprint import Blueprint
from igny8.domain.catalog import Intent
from igny8.llm.embedder import Embedder

# Search modifiers that reveal intent (checked in this order: a purchase beats research).
_INTENT_PATTERNS: tuple[tuple[Intent, re.Pattern[str]], ...] = (
    ("navigational", re.compile(r"\b(login|log in|sign in|website|official site|contact|phone number|address)\b")),
    (
        "transactional",
        re.compile(r"\b(buy|book|booking|order|appointment|near me|hire|coupon|discount|deal|free trial|schedule)\b"),
    ),
    (
        "commercial",
        re.compile(r"\b(best|top|vs|versus|compare|comparison|review|reviews|cost|costs|price|prices|pricing|cheap)\b"),
    ),
)


def guess_intent(keyword: str) -> Intent:
    for intent, pattern in _INTENT_PATTERNS:
        if pattern.search(keyword):
            return intent
    return "informational"


@dataclass(frozen=True)
class ClusterIndex:
    """A blueprint's clusters as embedding neighbours: every cluster keyword (and the cluster's name) embedded."""

    slugs: list[str]
    names: list[str]
    intents: list[Intent]  # each cluster's most common keyword intent
    samples: list[list[str]]  # a few keywords per cluster, shown to the model
    vectors: np.ndarray  # unit rows, one per cluster keyword
    owner: np.ndarray  # the cluster index of each row

    @classmethod
    def of(cls, blueprint: Blueprint, embedder: Embedder) -> ClusterIndex:
        if not blueprint.clusters:
            raise ValueError(f"blueprint version {blueprint.version} has no clusters to file keywords under")
        texts: list[str] = []
        owner: list[int] = []
        intents: list[Intent] = []
        for position, cluster in enumerate(blueprint.clusters):
            members = [cluster.name.lower(), *(k.text for k in cluster.keywords)]
            texts.extend(members)
            owner.extend([position] * len(members))
            counts: dict[Intent, int] = {}
            for keyword in cluster.keywords:
                counts[keyword.intent] = counts.get(keyword.intent, 0) + 1
            intents.append(max(counts, key=lambda i: counts[i]) if counts else "informational")
        return cls(
            slugs=[c.slug for c in blueprint.clusters],
            names=[c.name for c in blueprint.clusters],
            intents=intents,
            samples=[[k.text for k in c.keywords[:5]] for c in blueprint.clusters],
            vectors=_unit(embedder.embed(texts)),
            owner=np.asarray(owner),
        )

    def cluster_similarities(self, vectors: np.ndarray) -> np.ndarray:
        """(keywords × clusters): each keyword's best cosine similarity to any member of each cluster."""
        similarities = _unit(vectors) @ self.vectors.T
        best = np.full((len(vectors), len(self.slugs)), -1.0, dtype=np.float32)
        for position in range(len(self.slugs)):
            best[:, position] = similarities[:, self.owner == position].max(axis=1)
        return best


def _unit(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


@dataclass(frozen=True, slots=True)
class NeighbourFiling:
    cluster_slug: str
    distance: float


def file_by_neighbours(
    keywords: list[str], vectors: np.ndarray, index: ClusterIndex, *, max_distance: float, margin: float = 0.03
) -> list[NeighbourFiling | None]:
    """Per keyword: the cluster it clearly belongs to, or None when no cluster is close enough or two are
    about as close and intent does not tell them apart."""
    similarities = index.cluster_similarities(vectors)
    filings: list[NeighbourFiling | None] = []
    for row, keyword in zip(similarities, keywords, strict=True):
        best = int(row.argmax())
        distance = 1.0 - float(row[best])
        if distance > max_distance:
            filings.append(None)
            continue
        close = [int(i) for i in np.flatnonzero(row >= row[best] - margin)]
        if len(close) > 1:
            intent = guess_intent(keyword)
            same_intent = [i for i in close if index.intents[i] == intent]
            if len(same_intent) != 1:
                filings.append(None)
                continue
            best = same_intent[0]
            distance = 1.0 - float(row[best])
        filings.append(NeighbourFiling(index.slugs[best], round(distance, 4)))
    return filings


def candidate_clusters(index: ClusterIndex, vectors: np.ndarray, *, per_keyword: int = 3, limit: int = 12) -> list[int]:
    """The clusters worth showing the model for a batch: each keyword's nearest few, the closest first, at
    most ``limit`` (a shorter prompt and a tighter answer schema than the whole blueprint)."""
    similarities = index.cluster_similarities(vectors)
    best: dict[int, float] = {}
    for row in similarities:
        for position in np.argsort(row)[::-1][:per_keyword]:
            best[int(position)] = max(best.get(int(position), -1.0), float(row[position]))
    return sorted(best, key=lambda p: -best[p])[:limit]
