"""Keywords of intersections too thin to be clusters of their own.

Each is first folded into the closest real cluster of its sector: one whose attribute values it carries
(the most of them wins, then the one with more room), where it becomes another supporting keyword of that
topic. The rest are grouped under the attribute they share and named for that attribute ("Dental
Concerns", "Dental Insurance Plans We Accept"); an attribute with more than one cluster's worth is split by
search pattern, the largest part named for the attribute, each other part for its main pattern ("What
Causes Dental Concerns"). Never a list of values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from igny8.domain.blueprint import Attribute, Keyword
from igny8.tools.sag.topic_names import attribute_topic, pattern_remainder, pattern_topic


class ClusterGroup(Protocol):
    values: dict[str, str]
    keywords: list[Keyword]
    comparison_of: str | None


@dataclass
class AttributeTopic:
    attribute: str  # the attribute slug the keywords share
    name: str
    keywords: list[Keyword]


@dataclass
class Leftovers:
    topics: list[AttributeTopic] = field(default_factory=list)
    folded: int = 0
    dropped: list[Keyword] = field(default_factory=list)


def fold_into_closest(keywords: list[Keyword], homes: Sequence[ClusterGroup], max_keywords: int) -> list[Keyword]:
    """Move each keyword into the real cluster whose values it carries; returns those with no such home."""
    homeless = []
    for keyword in keywords:
        pairs = set(keyword.source.items())
        candidates = [
            home
            for home in homes
            if home.comparison_of is None
            and home.values
            and set(home.values.items()) <= pairs
            and len(home.keywords) < max_keywords
        ]
        if candidates:
            max(candidates, key=lambda h: (len(h.values), -len(h.keywords))).keywords.append(keyword)
        else:
            homeless.append(keyword)
    return homeless


def _pack_by_pattern(keywords: list[Keyword], max_keywords: int) -> list[list[Keyword]]:
    """First-fit decreasing: whole search patterns into parts of at most ``max_keywords``."""
    by_pattern: dict[str, list[Keyword]] = defaultdict(list)
    for keyword in keywords:
        by_pattern[keyword.template].append(keyword)
    pieces = [
        members[start : start + max_keywords]
        for members in by_pattern.values()
        for start in range(0, len(members), max_keywords)
    ]
    parts: list[list[Keyword]] = []
    for piece in sorted(pieces, key=len, reverse=True):
        part = next((p for p in parts if len(p) + len(piece) <= max_keywords), None)
        if part is None:
            parts.append(list(piece))
        else:
            part.extend(piece)
    return parts


def _part_name(part: list[Keyword], attribute: Attribute, taken: set[str]) -> str:
    """A further part of an attribute's topic: named for its most frequent search pattern whose object is
    the attribute, else for what its searches ask ('Dental Concerns Questions'); a name not yet taken."""
    counts: dict[str, int] = defaultdict(int)
    for keyword in part:
        counts[keyword.template] += 1
    topic = attribute_topic(attribute)
    informational = sum(k.intent == "informational" for k in part) * 2 >= len(part)
    patterns = sorted(counts, key=lambda t: (-counts[t], len(t)))
    candidates = [pattern_topic(t, attribute) for t in patterns]
    fallback = "More {}" if attribute.kind == "audience" else "Choosing {}"
    candidates += [f"{topic} Questions" if informational else fallback.format(topic)]
    candidates += [f"{topic}: {rest}" for rest in map(pattern_remainder, patterns) if rest]
    return next((c for c in candidates if c is not None and c not in taken), candidates[-1])  # type: ignore[return-value]


def group_by_attribute(
    keywords: list[Keyword], attribute: Attribute, min_keywords: int, max_keywords: int
) -> tuple[list[AttributeTopic], list[Keyword]]:
    """The attribute's homeless keywords as topics named for the attribute; returns (topics, dropped)."""
    parts = _pack_by_pattern(keywords, max_keywords)
    viable = [p for p in parts if len(p) >= min_keywords]
    dropped = [k for p in parts if len(p) < min_keywords for k in p]
    viable.sort(key=len, reverse=True)
    topics: list[AttributeTopic] = []
    for part in viable:
        taken = {t.name for t in topics}
        name = attribute_topic(attribute) if not topics else _part_name(part, attribute, taken)
        topics.append(AttributeTopic(attribute.slug, name, part))
    return topics, dropped


def settle_leftovers(
    thin: dict[str, list[Keyword]],
    homes: Sequence[ClusterGroup],
    attributes: dict[str, Attribute],
    *,
    min_keywords: int,
    max_keywords: int,
) -> Leftovers:
    """``thin``: per attribute slug, the keywords of its values' thin intersections (one sector)."""
    out = Leftovers()
    for slug, keywords in thin.items():
        homeless = fold_into_closest(keywords, homes, max_keywords)
        out.folded += len(keywords) - len(homeless)
        topics, dropped = group_by_attribute(homeless, attributes[slug], min_keywords, max_keywords)
        out.topics += topics
        out.dropped += dropped
    return out
