"""How a proposed page joins the blueprint copy: after its cluster's supporting pages, shaped like them,
with a unique slug, a sibling link, the query among the cluster's keywords; and what counts as covered."""

from __future__ import annotations

from collections import Counter
from itertools import combinations

from igny8.domain.blueprint import Cluster
from igny8.llm.embedder import FakeEmbedder
from igny8.memory.blueprints import get_blueprint
from igny8.services import Services
from igny8.tools.search_console.page_proposals import (
    FiledQuery,
    blueprint_with_pages,
    covered_queries,
    file_queries,
    is_covered,
)
from tests.dental_site import new_dental_site


def test_pages_are_shaped_like_their_cluster_and_slugs_stay_unique(gsc_runtime: Services) -> None:
    account, site = new_dental_site(gsc_runtime)
    with gsc_runtime.database.connection() as conn:
        blueprint = get_blueprint(conn, account_id=account, site_id=site)
    cluster = next(c for c in blueprint.clusters if sum(p.cluster == c.slug for p in blueprint.pages) >= 3)
    siblings = [p for p in blueprint.pages if p.kind == "supporting" and p.cluster == cluster.slug]
    first, second = "best gum care routine!", "best gum care routine?"  # one slug, two queries

    updated, added = blueprint_with_pages(
        blueprint, [FiledQuery(first, cluster.slug, 0.1), FiledQuery(second, cluster.slug, 0.1)]
    )
    assert [p.slug for p in added] == ["best-gum-care-routine", "best-gum-care-routine-2"]
    assert [p.title for p in added] == ["Best Gum Care Routine!", "Best Gum Care Routine?"]
    slugs = [p.slug for p in updated.pages]
    assert slugs.index(added[0].slug) == slugs.index(siblings[-1].slug) + 1, "after the cluster's own pages"
    assert all(p.priority_phase in {s.priority_phase for s in siblings} for p in added)
    assert (added[0].slug, siblings[0].slug) in {(link.source, link.target) for link in updated.link_map}
    grown = next(c for c in updated.clusters if c.slug == cluster.slug)
    assert [k.text for k in grown.keywords[-2:]] == [first, second]
    assert grown.keywords[-1].intent == "commercial" and grown.keywords[-1].template == "search-console"
    assert [s.target_keywords for s in grown.supporting[-2:]] == [[first], [second]]
    assert [p for p in updated.pages if p not in added] == blueprint.pages, "every other page kept, in order"
    assert blueprint.keyword_count + 2 == updated.keyword_count and len(blueprint.notes) + 1 == len(updated.notes)

    # A cluster with no supporting page yet: the defaults of a supporting post.
    bare = blueprint.model_copy(
        update={"pages": [p for p in blueprint.pages if not (p.kind == "supporting" and p.cluster == cluster.slug)]}
    )
    _, (page,) = blueprint_with_pages(bare, [FiledQuery("gum care at home", cluster.slug, 0.2)])
    assert (page.structure, page.content_type, page.priority_phase) == ("article", "post", 4)

    covered = covered_queries(blueprint)
    assert is_covered(siblings[0].target_keywords[0].upper(), covered), "a target keyword, in any case"
    assert is_covered(siblings[0].slug.replace("-", " ") + " ", covered), "a page's slug says it"
    assert is_covered(siblings[0].title, covered) and not is_covered(first, covered)

    assert file_queries([], blueprint, FakeEmbedder(), max_distance=0.35) == ([], [])
    rambling = " ".join([siblings[0].target_keywords[0]] * 8)
    filed, unfiled = file_queries(["zzz qqq", rambling], blueprint, FakeEmbedder(), max_distance=0.35)
    assert filed == [] and [u.query for u in unfiled] == [rambling, "zzz qqq"]
    assert "too long for a page title" in unfiled[0].reason and "is at distance 1.00 (over 0.35)" in unfiled[1].reason


def test_a_query_two_clusters_share_equally_is_listed_not_forced(gsc_runtime: Services) -> None:
    account, site = new_dental_site(gsc_runtime)
    with gsc_runtime.database.connection() as conn:
        blueprint = get_blueprint(conn, account_id=account, site_id=site)

    def words(cluster: Cluster) -> set[str]:
        return {w for k in cluster.keywords for w in k.text.split()} | set(cluster.name.lower().split())

    def intent(cluster: Cluster) -> str:
        return Counter(k.intent for k in cluster.keywords).most_common(1)[0][0]

    # One keyword of each of two clusters of the same intent, sharing no word with the other cluster.
    left, right, query = next(
        (a, b, f"{ka.text} {kb.text}")
        for a, b in combinations(blueprint.clusters, 2)
        if intent(a) == intent(b)
        for ka in a.keywords
        for kb in b.keywords
        if len(ka.text.split()) == len(kb.text.split()) == 3
        and not set(ka.text.split()) & words(b)
        and not set(kb.text.split()) & words(a)
    )
    filed, (unfiled,) = file_queries([query], blueprint, FakeEmbedder(), max_distance=0.35)
    assert filed == [] and unfiled.query == query
    assert "about as near" in unfiled.reason and {left.slug, right.slug} <= set(unfiled.reason.split())
