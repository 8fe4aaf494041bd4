from collections import Counter

import pytest

from igny8.catalog.loader import load_catalog
from igny8.domain.blueprint import CLUSTER_TYPES
from igny8.llm.embedder import FakeEmbedder
from igny8.tools.sag.attribute_population import merge_templates
from igny8.tools.sag.cluster_formation import MAX_CLUSTERS_PER_SECTOR, form_clusters
from igny8.tools.sag.keyword_generation import generate_site_keywords, near_duplicate_key

SECTOR_SETS = [["dental-clinics"], ["dental-clinics", "home-medical-equipment"], ["plumbing-services"]]


def _form(sectors: list[str]):  # type: ignore[no-untyped-def]
    catalog = load_catalog()
    merged = merge_templates([catalog.template(s) for s in sectors])
    generated = generate_site_keywords(merged, FakeEmbedder())
    return merged, generated, form_clusters(generated.keywords, merged.attributes, {})


@pytest.mark.parametrize("sectors", SECTOR_SETS)
def test_cluster_constraints(sectors: list[str]) -> None:
    _, generated, formation = _form(sectors)
    per_sector = Counter(c.sector for c in formation.clusters)
    assert all(n <= MAX_CLUSTERS_PER_SECTOR for n in per_sector.values())
    for cluster in formation.clusters:
        assert 5 <= len(cluster.keywords) <= 20, cluster.name
        assert cluster.type in CLUSTER_TYPES
        assert cluster.hub.title and cluster.hub.sections
        assert cluster.viability["viable"] is True
    clustered = [k.text for c in formation.clusters for k in c.keywords]
    assert len(clustered) == len(set(clustered)), "a keyword is in more than one cluster"
    assert set(clustered) | {k.text for k in formation.dropped} == {k.text for k in generated.keywords}


def test_keywords_are_unique_and_free_of_near_duplicates() -> None:
    _, generated, _ = _form(["dental-clinics", "home-medical-equipment"])
    texts = [k.text for k in generated.keywords]
    assert len(texts) == len(set(texts))
    assert len({near_duplicate_key(t) for t in texts}) == len(texts)
    for keyword in generated.keywords:
        assert "{" not in keyword.text and keyword.source and keyword.intent


def test_a_dental_site_has_the_expected_cluster_types() -> None:
    _, _, formation = _form(["dental-clinics"])
    types = Counter(c.type for c in formation.clusters)
    assert types["product_category"] >= 5
    assert types["comparison"] >= 1 and types["condition_problem"] >= 1
    names = {c.name for c in formation.clusters}
    assert "Dental Implants" in names


def test_multi_sector_clusters_keep_their_sector() -> None:
    _, _, formation = _form(["dental-clinics", "home-medical-equipment"])
    assert {c.sector for c in formation.clusters} == {"dental-clinics", "home-medical-equipment"}
