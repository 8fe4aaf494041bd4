"""Attribute-value intersections → clusters of the seven types, each keyword in exactly one cluster.

Per sector: every keyword is anchored on its strongest attribute value (primary before secondary
before tertiary); an intersection of the anchor with a second value that gathers enough keywords becomes
a cluster of its own (e.g. treatment=Invisalign × patient group=Teens); comparisons ("a vs b") form one
cluster per attribute. Clusters over 20 keywords split by intent; clusters under 5 merge into their
anchor's cluster or are dropped as not viable; at most 50 clusters per sector survive, by score.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from igny8.domain.blueprint import Attribute, Cluster, ClusterType, Keyword
from igny8.domain.catalog import LEVELS
from igny8.tools.sag.cluster_leftovers import settle_leftovers
from igny8.tools.sag.cluster_pages import plan_hub, plan_supporting

MIN_KEYWORDS, MAX_KEYWORDS = 5, 20
MAX_CLUSTERS_PER_SECTOR = 50
MIN_TEMPLATES_FOR_DEMAND = 2

_TYPE_OF_KIND: dict[str, ClusterType] = {
    "category": "product_category",
    "problem": "condition_problem",
    "brand": "brand",
    "location": "location",
    "feature": "feature",
    "audience": "feature",
    "price": "feature",
    "use_case": "feature",
}


@dataclass
class _Group:
    sector: str
    anchor: tuple[str, str]  # (attribute slug, value); slug "" for comparisons
    values: dict[str, str]
    keywords: list[Keyword] = field(default_factory=list)
    comparison_of: str | None = None
    informational_split: bool = False
    topic_name: str | None = None  # a topic named for its attribute (thin intersections grouped together)


@dataclass
class ClusterFormation:
    clusters: list[Cluster]
    dropped: list[Keyword]
    notes: list[str]


def _level_rank(attribute: Attribute, order: dict[str, int]) -> tuple[int, int]:
    return (LEVELS.index(attribute.level), order[attribute.slug])


def _value_label(attributes: dict[str, Attribute], slug: str, value: str) -> str:
    return value


def _intersection_name(attributes: dict[str, Attribute], anchor: tuple[str, str], other: tuple[str, str]) -> str:
    kind = attributes[other[0]].kind
    if kind == "audience":
        return f"{anchor[1]} for {other[1]}"
    if kind == "location":
        return f"{anchor[1]} in {other[1]}"
    if kind == "brand":
        return f"{other[1]} {anchor[1]}"
    return f"{anchor[1]}: {other[1]}"


def _anchor_of(keyword: Keyword, attributes: dict[str, Attribute], order: dict[str, int]) -> tuple[str, str]:
    present = [(slug, value) for slug, value in keyword.source.items() if slug in attributes]
    return min(present, key=lambda sv: _level_rank(attributes[sv[0]], order))


def _cluster_type(group: _Group, attributes: dict[str, Attribute]) -> ClusterType:
    if group.comparison_of is not None:
        return "comparison"
    kind_type = _TYPE_OF_KIND[attributes[group.anchor[0]].kind]
    informational = sum(1 for k in group.keywords if k.intent == "informational") / max(1, len(group.keywords))
    if group.informational_split or (kind_type in {"product_category", "feature"} and informational >= 0.75):
        return "informational"
    return kind_type


def _split_oversized(group: _Group) -> list[_Group]:
    if len(group.keywords) <= MAX_KEYWORDS:
        return [group]
    info = [k for k in group.keywords if k.intent == "informational"]
    rest = [k for k in group.keywords if k.intent != "informational"]
    parts: list[_Group] = []
    if len(info) >= MIN_KEYWORDS and len(rest) >= MIN_KEYWORDS:
        parts.append(_Group(group.sector, group.anchor, group.values, rest, group.comparison_of))
        parts.append(_Group(group.sector, group.anchor, group.values, info, group.comparison_of, True))
    else:
        parts.append(group)
    out: list[_Group] = []
    for part in parts:
        for start in range(0, len(part.keywords), MAX_KEYWORDS):
            chunk = part.keywords[start : start + MAX_KEYWORDS]
            out.append(
                _Group(part.sector, part.anchor, part.values, chunk, part.comparison_of, part.informational_split)
            )
    return out


def _viability(group: _Group) -> dict[str, float | int | bool | str]:
    templates = len({k.template for k in group.keywords})
    intents = Counter("informational" if k.intent == "informational" else "commercial" for k in group.keywords)
    coherence = max(intents.values()) / len(group.keywords)
    demand = templates >= MIN_TEMPLATES_FOR_DEMAND or len(group.keywords) >= 8
    return {
        "keywords": len(group.keywords),
        "search_patterns": templates,
        "intent_coherence": round(coherence, 2),
        "demand_signal": demand,
        "viable": MIN_KEYWORDS <= len(group.keywords) <= MAX_KEYWORDS and demand,
    }


def _score(group: _Group, attributes: dict[str, Attribute]) -> float:
    level_bonus = {"primary": 6, "secondary": 3, "tertiary": 0}
    commercial = sum(1 for k in group.keywords if k.intent in {"commercial", "transactional"})
    anchor_level = attributes[group.anchor[0]].level if group.anchor[0] in attributes else "secondary"
    return len(group.keywords) + level_bonus[anchor_level] + 0.5 * commercial + 2 * (len(group.values) > 1)


def _slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:70] or "cluster"


def _anchor_groups(
    sector: str, anchor: tuple[str, str], members: list[Keyword], attributes: dict[str, Attribute]
) -> list[_Group]:
    """An anchor's keywords: each intersection with a second value that gathers enough keywords becomes a
    group of its own (largest first), the rest stay with the anchor."""
    pairs: dict[tuple[str, str], list[Keyword]] = defaultdict(list)
    for keyword in members:
        for slug, value in keyword.source.items():
            if (slug, value) != anchor and slug in attributes:
                pairs[(slug, value)].append(keyword)
    groups: list[_Group] = []
    taken: set[str] = set()
    for other, pair_members in sorted(pairs.items(), key=lambda kv: -len(kv[1])):
        fresh = [k for k in pair_members if k.text not in taken]
        if len(fresh) >= MIN_KEYWORDS:
            groups.append(_Group(sector, anchor, {anchor[0]: anchor[1], other[0]: other[1]}, fresh))
            taken |= {k.text for k in fresh}
    rest = [k for k in members if k.text not in taken]
    if rest:
        groups.append(_Group(sector, anchor, {anchor[0]: anchor[1]}, rest))
    return groups


def _group_sector(
    sector: str, keywords: list[Keyword], attributes: dict[str, Attribute], order: dict[str, int]
) -> list[_Group]:
    anchors: dict[tuple[str, str], list[Keyword]] = defaultdict(list)
    comparisons: dict[str, list[Keyword]] = defaultdict(list)
    for keyword in keywords:
        slugs = [s for s in keyword.source if not s.endswith("#2")]
        if any(s.endswith("#2") for s in keyword.source):
            comparisons[slugs[0]].append(keyword)
        else:
            anchors[_anchor_of(keyword, attributes, order)].append(keyword)

    groups: list[_Group] = []
    for anchor, members in anchors.items():
        groups += _anchor_groups(sector, anchor, members, attributes)
    for slug, members in comparisons.items():
        groups.append(_Group(sector, (slug, ""), {}, members, comparison_of=slug))
    return groups


def _absorb_small(groups: list[_Group], attributes: dict[str, Attribute]) -> tuple[list[_Group], list[Keyword]]:
    """Merge clusters under the minimum into their anchor's main cluster where it has room; the rest are
    folded into the closest real cluster or grouped under their attribute (cluster_leftovers.py)."""
    small = [g for g in groups if len(g.keywords) < MIN_KEYWORDS]
    keep = [g for g in groups if len(g.keywords) >= MIN_KEYWORDS]
    dropped: list[Keyword] = []
    thin: dict[str, list[Keyword]] = defaultdict(list)
    thin_comparisons: dict[str, list[_Group]] = defaultdict(list)
    for group in small:
        home = _anchor_home(group, keep)
        if home is not None:
            home.keywords.extend(group.keywords)
        elif group.comparison_of is not None:
            thin_comparisons[group.comparison_of].append(group)
        else:
            thin[group.anchor[0]].extend(group.keywords)
    for slug, members in thin_comparisons.items():
        packed = _Group(members[0].sector, (slug, ""), {}, [k for g in members for k in g.keywords], slug)
        for part in _split_oversized(packed):
            keep.append(part) if len(part.keywords) >= MIN_KEYWORDS else dropped.extend(part.keywords)
    if thin:
        sector = small[0].sector
        settled = settle_leftovers(thin, keep, attributes, min_keywords=MIN_KEYWORDS, max_keywords=MAX_KEYWORDS)
        keep += [_Group(sector, (t.attribute, ""), {}, t.keywords, topic_name=t.name) for t in settled.topics]
        dropped += settled.dropped
    return keep, dropped


def _anchor_home(group: _Group, keep: list[_Group]) -> _Group | None:
    """The anchor's own cluster (its single-value one first) with room for the thin group."""
    fits = [
        g
        for g in keep
        if g.anchor == group.anchor
        and g.comparison_of == group.comparison_of
        and len(g.keywords) + len(group.keywords) <= MAX_KEYWORDS
    ]
    return min(fits, key=lambda g: len(g.values), default=None)


def form_clusters(
    keywords: list[Keyword], attributes: list[Attribute], sector_names: dict[str, str]
) -> ClusterFormation:
    by_slug = {a.slug: a for a in attributes}
    order = {a.slug: i for i, a in enumerate(attributes)}
    clusters: list[Cluster] = []
    dropped: list[Keyword] = []
    notes: list[str] = []
    used_slugs: set[str] = set()
    by_sector: dict[str, list[Keyword]] = defaultdict(list)
    for keyword in keywords:
        by_sector[keyword.sector].append(keyword)

    for sector, members in by_sector.items():
        groups = _group_sector(sector, members, by_slug, order)
        groups = [part for g in groups for part in _split_oversized(g)]
        groups, lost = _absorb_small(groups, by_slug)
        dropped += lost
        viable = []
        for group in groups:
            if _viability(group)["viable"]:
                viable.append(group)
            else:
                dropped += group.keywords
        viable.sort(key=lambda g: -_score(g, by_slug))
        if len(viable) > MAX_CLUSTERS_PER_SECTOR:
            for group in viable[MAX_CLUSTERS_PER_SECTOR:]:
                dropped += group.keywords
            notes.append(f"{sector}: {len(viable)} viable clusters; kept the {MAX_CLUSTERS_PER_SECTOR} strongest")
            viable = viable[:MAX_CLUSTERS_PER_SECTOR]
        names_seen: Counter[str] = Counter()
        for group in viable:
            clusters.append(_to_cluster(group, by_slug, sector_names, names_seen, used_slugs))
    if dropped:
        notes.append(f"{len(dropped)} keywords fell in intersections too thin to be viable clusters and were left out")
    return ClusterFormation(clusters, dropped, notes)


def _distinct_name(name: str, group: _Group, attributes: dict[str, Attribute], taken: Counter[str]) -> str:
    """A second cluster of the same topic (an oversized one split in parts): named for what sets its
    keywords apart (their questions, or the attribute they add), a number only when nothing does."""
    candidates = [f"More {name}"] if group.comparison_of is not None else []
    if group.comparison_of is not None:  # then one value against the others: "Asana Comparisons"
        compared = Counter(v for k in group.keywords for s, v in k.source.items() if s == group.comparison_of)
        candidates += [f"{value} Comparisons" for value, _ in compared.most_common()]
    if not name.endswith(" Questions") and sum(k.intent == "informational" for k in group.keywords) * 2 > len(
        group.keywords
    ):
        candidates.append(f"{name} Questions")
    added = Counter(
        s
        for k in group.keywords
        for s in k.source
        if s in attributes and s not in group.values and s != group.anchor[0]
    )
    candidates += [f"{name} by {attributes[slug].name}" for slug, _ in added.most_common()]
    return next((c for c in candidates if not taken[c]), f"{name} ({taken[name]})")


def _to_cluster(
    group: _Group,
    attributes: dict[str, Attribute],
    sector_names: dict[str, str],
    names_seen: Counter[str],
    used_slugs: set[str],
) -> Cluster:
    cluster_type = _cluster_type(group, attributes)
    if group.comparison_of is not None:
        name = f"{attributes[group.comparison_of].name} Comparisons"
    elif group.topic_name is not None:
        name = group.topic_name
    elif len(group.values) > 1:
        other = next((s, v) for s, v in group.values.items() if (s, v) != group.anchor)
        name = _intersection_name(attributes, group.anchor, other)
    else:
        name = group.anchor[1]
    if cluster_type == "informational" and group.informational_split:
        name = f"{name} Questions"
    names_seen[name] += 1
    if names_seen[name] > 1:
        name = _distinct_name(name, group, attributes, names_seen)
        names_seen[name] += 1
    slug = _slugify(name)
    base, n = slug, 2
    while slug in used_slugs:
        slug, n = f"{base}-{n}", n + 1
    used_slugs.add(slug)
    keywords = sorted(group.keywords, key=lambda k: (k.intent == "informational", len(k.text)))
    supporting = plan_supporting(keywords, attributes)
    return Cluster(
        slug=slug,
        name=name,
        type=cluster_type,
        sector=group.sector,
        attribute_values=dict(group.values),
        hub=plan_hub(
            cluster_type,
            name,
            keywords,
            compared_attribute=attributes[group.comparison_of].name if group.comparison_of else "",
        ),
        keywords=keywords,
        supporting=supporting,
        viability=_viability(group),
    )
