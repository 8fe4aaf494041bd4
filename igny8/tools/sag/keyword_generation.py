"""A site's keywords: every sector's templates expanded over the merged attributes, then duplicates and
near-duplicates removed (by normalised form, then by embedding similarity)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from igny8.domain.blueprint import Keyword
from igny8.llm.embedder import Embedder
from igny8.tools.sag.attribute_population import AttributeSet
from igny8.tools.sag.keyword_expansion import CandidateKeyword, ExpansionReport, expand_templates

SITE_KEYWORD_TARGET = 300
NEAR_DUPLICATE_COSINE = 0.95
STOPWORDS = {
    "a",
    "an",
    "the",
    "of",
    "for",
    "to",
    "in",
    "on",
    "and",
    "with",
    "my",
    "your",
    "is",
    "are",
    "do",
    "does",
    "how",
    "what",
}


@dataclass
class GeneratedKeywords:
    keywords: list[Keyword]
    embeddings: np.ndarray
    comparison: set[str]
    report: ExpansionReport
    removed_exact: int = 0
    removed_normalised: int = 0
    removed_semantic: int = 0
    notes: list[str] = field(default_factory=list)


def _stem(word: str) -> str:
    for suffix in ("ies", "es", "s"):
        if word.endswith(suffix) and len(word) > len(suffix) + 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def near_duplicate_key(text: str) -> str:
    """'cost of dental implants' and 'dental implant cost' share a key."""
    words = [_stem(w) for w in re.findall(r"[\w']+", text.lower()) if w not in STOPWORDS]
    return " ".join(sorted(words))


def generate_site_keywords(attribute_set: AttributeSet, embedder: Embedder) -> GeneratedKeywords:
    report = ExpansionReport()
    candidates: list[tuple[str, CandidateKeyword]] = []
    for plan in attribute_set.sectors:
        for candidate in expand_templates(plan.keyword_templates, attribute_set.attributes, report):
            candidates.append((plan.sector, candidate))

    exact: dict[str, tuple[str, CandidateKeyword]] = {}
    for sector, candidate in candidates:
        exact.setdefault(candidate.text, (sector, candidate))
    by_key: dict[str, tuple[str, CandidateKeyword]] = {}
    for sector, candidate in exact.values():
        by_key.setdefault(near_duplicate_key(candidate.text), (sector, candidate))
    unique = list(by_key.values())

    vectors = embedder.embed([c.text for _, c in unique]) if unique else np.zeros((0, embedder.dimension))
    keep = np.ones(len(unique), dtype=bool)
    # Same meaning is judged only between keywords of the same intersection: "dental implants cost" and
    # "dental implants price" say one thing; "chapter 7 bankruptcy" and "chapter 13 bankruptcy" embed almost
    # alike but are different values, hence different pages.
    by_intersection: dict[frozenset[tuple[str, str]], list[int]] = {}
    for index, (_, candidate) in enumerate(unique):
        by_intersection.setdefault(frozenset(candidate.values), []).append(index)
    for members in by_intersection.values():
        if len(members) < 2:
            continue
        block = vectors[members] @ vectors[members].T
        for i in range(len(members)):
            if keep[members[i]]:
                for j in np.nonzero(block[i, i + 1 :] >= NEAR_DUPLICATE_COSINE)[0] + i + 1:
                    keep[members[j]] = False
    kept = [pair for pair, k in zip(unique, keep, strict=True) if k]
    keywords = [
        Keyword(
            text=c.text,
            intent=c.intent,
            source={slug: value for slug, value in c.values}  # type: ignore[arg-type]
            if not c.comparison
            else {c.values[0][0]: c.values[0][1], c.values[1][0] + "#2": c.values[1][1]},
            template=c.template,
            sector=sector,
        )
        for sector, c in kept
    ]
    result = GeneratedKeywords(
        keywords=keywords,
        embeddings=vectors[keep] if len(unique) else vectors,
        comparison={c.text for _, c in kept if c.comparison},
        report=report,
        removed_exact=len(candidates) - len(exact),
        removed_normalised=len(exact) - len(unique),
        removed_semantic=int((~keep).sum()),
    )
    return result
