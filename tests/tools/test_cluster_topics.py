import re

import pytest

from igny8.catalog.loader import load_catalog
from igny8.domain.blueprint import Attribute
from igny8.llm.embedder import FakeEmbedder
from igny8.tools.sag.attribute_population import merge_templates
from igny8.tools.sag.cluster_formation import form_clusters
from igny8.tools.sag.keyword_generation import SITE_KEYWORD_TARGET, generate_site_keywords
from igny8.tools.sag.topic_names import attribute_topic, is_value_list, pattern_topic, plural_name

# Sectors whose leftovers used to be packed into "A, B and More" clusters.
SECTORS = [
    "dental-clinics",
    "plumbing-services",
    "boat-dealerships",
    "boat-rental-charters",
    "project-management-software",
]


def _formation(slug: str):  # type: ignore[no-untyped-def]
    merged = merge_templates([load_catalog().template(slug)])
    generated = generate_site_keywords(merged, FakeEmbedder())
    return merged, form_clusters(generated.keywords, merged.attributes, {})


@pytest.mark.parametrize("slug", SECTORS)
def test_no_cluster_is_a_list_of_values_and_supporting_pages_stay_on_topic(slug: str) -> None:
    merged, formation = _formation(slug)
    values = {v for a in merged.attributes for v in a.values}
    assert sum(len(c.keywords) for c in formation.clusters) >= SITE_KEYWORD_TARGET
    for cluster in formation.clusters:
        assert not is_value_list(cluster.name, values), cluster.name
        assert not is_value_list(cluster.hub.title, values), cluster.hub.title
        assert "and More" not in cluster.hub.title
        assert not re.search(r"\(\d+\)$", cluster.name), cluster.name  # parts are told apart by what they add
        texts = {k.text: k for k in cluster.keywords}
        for plan in cluster.supporting:
            for target in plan.target_keywords:
                keyword = texts[target]  # a supporting page targets keywords of its own cluster ...
                # ... that carry the cluster's attribute values (its topic)
                assert all(keyword.source.get(s) == v for s, v in cluster.attribute_values.items()), target


def test_dental_leftovers_are_grouped_under_their_attribute() -> None:
    _, formation = _formation("dental-clinics")
    by_name = {c.name: c for c in formation.clusters}
    assert "Dental Concerns" in by_name and "Dental Insurance Plans We Accept" in by_name
    insurance = by_name["Dental Insurance Plans We Accept"]
    assert insurance.attribute_values == {} and all("insurance" in k.source for k in insurance.keywords)
    assert insurance.hub.title == "Dental Insurance Plans We Accept: Coverage, Costs and What to Ask"
    concerns = [c for c in formation.clusters if all("concern" in k.source for k in c.keywords)]
    assert {"Toothache", "Dental Concerns", "What Causes Dental Concerns"} <= {c.name for c in concerns}
    assert "Dental Implants" in by_name  # the real clusters are untouched


def test_names_for_attributes_and_patterns() -> None:
    def attr(name: str, kind: str, slug: str = "x") -> Attribute:
        return Attribute(slug=slug, name=name, level="secondary", kind=kind, values=["A1", "B2", "C3", "D4"])  # type: ignore[arg-type]

    assert plural_name("Dental Concern") == "Dental Concerns"
    assert plural_name("Room or Window") == "Rooms or Windows"
    assert plural_name("Amenity") == "Amenities"
    assert plural_name("Pricing") == "Pricing" and plural_name("Dental Insurance") == "Dental Insurance"
    assert attribute_topic(attr("Orthodontic Problem", "problem")) == "Orthodontic Problems"
    assert attribute_topic(attr("Project Management Methodology", "category")) == "Project Management Methodologies"
    assert attribute_topic(attr("Dental Insurance", "brand")) == "Dental Insurance Plans We Accept"
    assert pattern_topic("what causes {x}", attr("Dental Concern", "problem")) == "What Causes Dental Concerns"
    assert pattern_topic("what is {x}", attr("Surface Finish", "feature")) == "What Are Surface Finishes"
    assert pattern_topic("{x} service hours", attr("Vehicle Make", "brand")) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Crooked Teeth, Stained Teeth and More", True),
        ("Delta Dental, Cigna and More: Reviews, Products and Alternatives", True),
        ("Crooked Teeth and Stained Teeth", True),
        ("Crooked Teeth, Stained Teeth and Gaps", True),
        ("Invisalign for Teens", False),
        ("Dental Concerns", False),
        ("Bed and Breakfast", False),
    ],
)
def test_value_list_detection(name: str, expected: bool) -> None:
    assert is_value_list(name, {"Crooked Teeth", "Stained Teeth", "Gaps", "Delta Dental", "Cigna", "Teens"}) is expected
