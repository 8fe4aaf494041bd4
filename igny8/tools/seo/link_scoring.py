"""Internal-link candidates and their five-factor score (SPEC §4), anchors, density and anchor-mix rules."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from igny8.tools.seo.html_links import find_phrase

TYPE_PRIORITY = {
    "supporting_to_hub": 1.0,
    "hub_to_supporting": 0.9,
    "term_to_hub": 0.8,
    "hub_to_term": 0.7,
    "to_commercial": 0.7,
    "sibling": 0.6,
    "cross_cluster": 0.5,
    "contextual": 0.4,
}
MANDATORY = {"supporting_to_hub"}
WEIGHTS = {"semantic": 0.25, "structural": 0.25, "need": 0.2, "anchor": 0.2, "priority": 0.1}
WORDS_PER_LINK = 200
MAX_LINKS_PER_PAGE = 12
MIN_LINKS_PER_PAGE = 2
MAX_EXACT_SHARE = 0.4
MIN_SCORE = 0.35


@dataclass(frozen=True, slots=True)
class PageInfo:
    slug: str
    title: str
    kind: str
    cluster: str | None
    priority_phase: int
    keywords: tuple[str, ...]
    inbound: int = 0


@dataclass
class Candidate:
    target: PageInfo
    link_type: str
    similarity: float
    anchor: str | None = None
    anchor_kind: str | None = None  # exact, partial, semantic
    factors: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    mandatory: bool = False

    def __post_init__(self) -> None:
        self.mandatory = self.mandatory or self.link_type in MANDATORY


def link_budget(word_count: int) -> int:
    """About one link per 150–250 words, at least 2, at most 12."""
    return max(MIN_LINKS_PER_PAGE, min(MAX_LINKS_PER_PAGE, math.ceil(word_count / WORDS_PER_LINK)))


def anchor_options(target: PageInfo) -> list[tuple[str, str]]:
    """(phrase, kind) in order of preference: the target's keywords (exact), their 2–3 word cores (partial),
    then its title (semantic)."""
    options: list[tuple[str, str]] = [(k, "exact") for k in target.keywords if len(k.split()) >= 2]
    for keyword in target.keywords:
        words = keyword.split()
        for size in (3, 2):
            if len(words) > size:
                options.append((" ".join(words[:size]), "partial"))
    title = re.split(r"[:?]", target.title)[0].strip()
    if title:
        options.append((title, "semantic"))
    seen: set[str] = set()
    unique = []
    for phrase, kind in options:
        if phrase.lower() not in seen:
            seen.add(phrase.lower())
            unique.append((phrase, kind))
    return unique


def score_candidate(candidate: Candidate, document: str, used_anchors: set[str]) -> Candidate:
    for phrase, kind in anchor_options(candidate.target):
        if phrase.lower() in used_anchors:
            continue
        if find_phrase(document, phrase) is not None:
            candidate.anchor, candidate.anchor_kind = phrase, kind
            break
    target = candidate.target
    candidate.factors = {
        "semantic": max(0.0, min(1.0, candidate.similarity)),
        "structural": TYPE_PRIORITY.get(candidate.link_type, 0.3),
        "need": 1.0 if target.inbound == 0 else 1.0 / (1 + target.inbound),
        "anchor": {"exact": 1.0, "partial": 0.7, "semantic": 0.5}.get(candidate.anchor_kind or "", 0.0),
        "priority": (5 - target.priority_phase) / 4 + (0.1 if target.kind == "hub" else 0.0),
    }
    candidate.score = round(sum(WEIGHTS[k] * min(1.0, v) for k, v in candidate.factors.items()), 4)
    return candidate


def choose_links(candidates: list[Candidate], word_count: int, already: int = 0) -> list[Candidate]:
    """Mandatory links first, then by score: no duplicate targets, no anchor reused for another target,
    exact-match anchors a minority, within the page's link budget."""
    budget = link_budget(word_count) - already
    ordered = sorted(candidates, key=lambda c: (not c.mandatory, -c.score))
    chosen: list[Candidate] = []
    targets: set[str] = set()
    anchors: set[str] = set()
    for candidate in ordered:
        if len(chosen) >= budget and not candidate.mandatory:
            break
        if candidate.target.slug in targets:
            continue
        if not candidate.mandatory and (candidate.anchor is None or candidate.score < MIN_SCORE):
            continue
        if candidate.anchor and candidate.anchor.lower() in anchors:
            continue
        exact = sum(1 for c in chosen if c.anchor_kind == "exact")
        if candidate.anchor_kind == "exact" and chosen and (exact + 1) / (len(chosen) + 1) > MAX_EXACT_SHARE:
            partial = next(
                (p for p, k in anchor_options(candidate.target) if k != "exact" and p.lower() not in anchors), None
            )
            if partial is None:
                continue
            candidate.anchor, candidate.anchor_kind = partial, "partial"
        chosen.append(candidate)
        targets.add(candidate.target.slug)
        if candidate.anchor:
            anchors.add(candidate.anchor.lower())
    return chosen
