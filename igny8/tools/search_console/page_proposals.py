"""Ranking queries without a page turned into new supporting pages of the next blueprint version: each query
filed under its nearest cluster by embedding (within a distance; what fits no cluster is left out, never
forced), and a copy of the blueprint with one supporting page per filed query, typed and structured like the
cluster's other supporting pages, linked to and from its hub, with the query added to the cluster's keywords
(the plan's health scored again, as for a new plan)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from igny8.domain.blueprint import Blueprint, Cluster, Keyword, LinkPlan, PagePlan, SupportingPlan
from igny8.llm.embedder import Embedder
from igny8.tools.keyword_files.filing import ClusterIndex, file_by_neighbours, guess_intent
from igny8.tools.sag.health import score_health
from igny8.tools.sag.site_plan import slugify

SOURCE_TEMPLATE = "search-console"
MAX_QUERY_WORDS, MAX_QUERY_CHARS = 12, 120  # a longer query is no page title


@dataclass(frozen=True, slots=True)
class FiledQuery:
    query: str
    cluster: str
    distance: float


@dataclass(frozen=True, slots=True)
class UnfiledQuery:
    query: str
    reason: str


def normalise_query(query: str) -> str:
    return " ".join(query.lower().split())


def covered_queries(blueprint: Blueprint) -> set[str]:
    """Queries some page already serves: a page's target keyword, title or slug, or a cluster keyword."""
    covered = {normalise_query(k) for p in blueprint.pages for k in p.target_keywords}
    covered |= {normalise_query(p.title) for p in blueprint.pages}
    covered |= {normalise_query(k.text) for c in blueprint.clusters for k in c.keywords}
    covered |= {f"slug:{p.slug}" for p in blueprint.pages}
    return covered


def is_covered(query: str, covered: set[str]) -> bool:
    return normalise_query(query) in covered or f"slug:{slugify(query)}" in covered


def file_queries(
    queries: list[str], blueprint: Blueprint, embedder: Embedder, *, max_distance: float
) -> tuple[list[FiledQuery], list[UnfiledQuery]]:
    """Each query under the cluster it clearly belongs to; the rest listed with the reason."""
    too_long = [
        UnfiledQuery(q, f"over {MAX_QUERY_WORDS} words or {MAX_QUERY_CHARS} characters: too long for a page title")
        for q in queries
        if len(q.split()) > MAX_QUERY_WORDS or len(q) > MAX_QUERY_CHARS
    ]
    queries = [q for q in queries if q not in {u.query for u in too_long}]
    if not queries:
        return [], too_long
    if not blueprint.clusters:
        return [], too_long + [UnfiledQuery(q, "the blueprint has no clusters") for q in queries]
    index = ClusterIndex.of(blueprint, embedder)
    vectors = embedder.embed(queries)
    filings = file_by_neighbours(queries, vectors, index, max_distance=max_distance)
    filed, unfiled = [], []
    for query, filing, row in zip(queries, filings, index.cluster_similarities(vectors), strict=True):
        if filing is not None:
            filed.append(FiledQuery(query, filing.cluster_slug, filing.distance))
            continue
        nearest = [index.slugs[int(i)] for i in row.argsort()[::-1][:2]]
        distance = 1.0 - float(row.max())
        reason = (
            f"the nearest cluster, {nearest[0]}, is at distance {distance:.2f} (over {max_distance})"
            if distance > max_distance
            else f"{' and '.join(nearest)} are about as near and its intent does not tell them apart"
        )
        unfiled.append(UnfiledQuery(query, reason))
    return filed, too_long + unfiled


def _most_common(values: list, default):  # type: ignore[no-untyped-def]
    return Counter(values).most_common(1)[0][0] if values else default


def page_title(query: str) -> str:
    words = query.split()
    return " ".join(w if any(c.isupper() for c in w) else w.capitalize() for w in words)


def _unique_slug(query: str, used: set[str]) -> str:
    base = slugify(query)
    slug, n = base, 2
    while slug in used:
        slug, n = f"{base}-{n}", n + 1
    used.add(slug)
    return slug


def _with_query(cluster: Cluster, query: str, title: str, structure: str) -> Cluster:
    keyword = Keyword(
        text=query, intent=guess_intent(query), source={}, template=SOURCE_TEMPLATE, sector=cluster.sector
    )
    plan = SupportingPlan(title=title, structure=structure, target_keywords=[query])  # type: ignore[arg-type]
    return cluster.model_copy(
        update={"keywords": [*cluster.keywords, keyword], "supporting": [*cluster.supporting, plan]}
    )


def blueprint_with_pages(blueprint: Blueprint, filed: list[FiledQuery]) -> tuple[Blueprint, list[PagePlan]]:
    """A copy of ``blueprint`` with one new supporting page per filed query (placed after its cluster's other
    supporting pages), and the pages added, in the order of ``filed``."""
    clusters = {c.slug: c for c in blueprint.clusters}
    used = {p.slug for p in blueprint.pages}
    hubs = {p.cluster: p for p in blueprint.pages if p.kind == "hub"}
    added: dict[str, list[PagePlan]] = {}
    links: list[LinkPlan] = []
    created: list[PagePlan] = []
    for item in filed:
        cluster = clusters[item.cluster]
        siblings = [p for p in blueprint.pages if p.kind == "supporting" and p.cluster == item.cluster]
        title = page_title(item.query)
        structure = _most_common([p.structure for p in siblings], "article")
        page = PagePlan(
            title=title,
            slug=_unique_slug(item.query, used),
            kind="supporting",
            content_type=_most_common([p.content_type for p in siblings], "post"),
            structure=structure,
            cluster=item.cluster,
            priority_phase=_most_common([p.priority_phase for p in siblings], 4),
            target_keywords=[item.query],
            attribute_values=dict(cluster.attribute_values),
        )
        added.setdefault(item.cluster, []).append(page)
        created.append(page)
        clusters[item.cluster] = _with_query(cluster, item.query, title, structure)
        hub = hubs.get(item.cluster)
        if hub is not None:
            links += [
                LinkPlan(source=hub.slug, target=page.slug, link_type="hub_to_supporting"),
                LinkPlan(source=page.slug, target=hub.slug, link_type="supporting_to_hub"),
            ]
        if siblings:
            links.append(LinkPlan(source=page.slug, target=siblings[0].slug, link_type="sibling"))
    pages: list[PagePlan] = []
    for position, plan in enumerate(blueprint.pages):
        pages.append(plan)
        follows = blueprint.pages[position + 1] if position + 1 < len(blueprint.pages) else None
        last_of_cluster = plan.cluster in added and (follows is None or follows.cluster != plan.cluster)
        if last_of_cluster and plan.kind in ("hub", "supporting"):
            pages.extend(added.pop(plan.cluster))
    for rest in added.values():  # a cluster without a hub page in the plan: its new pages go last
        pages.extend(rest)
    note = "adds supporting pages for queries that rank without a page (Search Console): " + ", ".join(
        f"'{f.query}' → {f.cluster}" for f in filed
    )
    updated = blueprint.model_copy(
        update={
            "clusters": [clusters[c.slug] for c in blueprint.clusters],
            "pages": pages,
            "link_map": [*blueprint.link_map, *links],
            "keyword_count": blueprint.keyword_count + len(filed),
            "notes": [*blueprint.notes, note],
        }
    )
    return updated.model_copy(update={"health": score_health(updated)}), created
