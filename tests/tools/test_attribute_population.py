import pytest

from igny8.domain.business import BusinessDetails
from igny8.tools.sag.attribute_population import PopulationError, merge_templates, populate
from tests.sag_fixtures import attribute, small_template


def test_same_attribute_in_two_sectors_merges_values_and_keeps_the_stronger_level() -> None:
    first = small_template("sector-a")
    second = small_template(
        "sector-b",
        attributes=[
            attribute("service", "primary", "category", ["Veneers", "Braces", "Crowns", "Bridges"]),
            attribute("group", "primary", "audience", ["Kids", "Teens", "Adults", "Students"]),
            *small_template().attributes[1:2],
            *small_template().attributes[3:],
        ],
    )
    merged = merge_templates([first, second])
    by_slug = merged.by_slug()
    assert by_slug["service"].values == [
        "Teeth Whitening",
        "Dental Implants",
        "Invisalign",
        "Veneers",
        "Braces",
        "Crowns",
        "Bridges",
    ]
    assert by_slug["service"].sectors == ["sector-a", "sector-b"]
    assert by_slug["group"].level == "primary"
    assert [p.sector for p in merged.sectors] == ["sector-a", "sector-b"]


def test_same_slug_of_another_kind_is_renamed_and_its_templates_follow() -> None:
    second = small_template(
        "sector-b",
        attributes=[
            *small_template().attributes[:4],
            attribute(
                "insurer", "tertiary", "location", ["Downtown Office", "Mobile Clinic", "Home Visit", "Hospital"]
            ),
        ],
    )
    merged = merge_templates([small_template("sector-a"), second])
    renamed = [a for a in merged.attributes if a.kind == "location"][0]
    assert renamed.slug != "insurer"
    assert any(f"{{{renamed.slug}}}" in t.pattern for t in merged.sectors[1].keyword_templates)
    assert any("conflicts" in note for note in merged.notes)


def test_a_value_claimed_by_two_attributes_stays_with_the_first() -> None:
    second = small_template(
        "sector-b",
        attributes=[
            *small_template().attributes[:4],
            attribute("condition", "tertiary", "problem", ["Toothache", "Cavities", "Dry Mouth", "Jaw Pain"]),
        ],
    )
    merged = merge_templates([small_template("sector-a"), second])
    assert "Toothache" not in merged.by_slug()["condition"].values


def test_more_than_five_sectors_is_refused() -> None:
    with pytest.raises(PopulationError, match="1–5 sectors"):
        merge_templates([small_template(f"s-{i}") for i in range(6)])


def test_business_services_prune_and_add() -> None:
    business = BusinessDetails(services=["teeth whitening", "Invisalign", "Dental Implant", "Gum Grafting", "Veneers"])
    result = populate(merge_templates([small_template()]), business)
    assert result.by_slug()["service"].values == [
        "Teeth Whitening",
        "Invisalign",
        "Dental Implants",
        "Gum Grafting",
        "Veneers",
    ]


def test_too_few_offered_values_are_filled_from_the_template_with_a_note() -> None:
    result = populate(merge_templates([small_template()]), BusinessDetails(services=["Invisalign", "Gum Grafting"]))
    values = result.by_slug()["service"].values
    assert values[:2] == ["Invisalign", "Gum Grafting"] and len(values) == 4
    assert any("to reach 4 values" in note for note in result.notes)


def test_locations_create_an_attribute_with_keyword_patterns() -> None:
    business = BusinessDetails(locations=["Austin", "Round Rock", "Cedar Park", "Georgetown"])
    result = populate(merge_templates([small_template()]), business)
    location = [a for a in result.attributes if a.kind == "location"][0]
    assert location.values == ["Austin", "Round Rock", "Cedar Park", "Georgetown"]
    patterns = [t.pattern for t in result.sectors[0].keyword_templates]
    assert "{service} in {location}" in patterns


def test_excluding_too_much_is_an_error_naming_the_attribute() -> None:
    business = BusinessDetails(exclude=["Invisalign"])
    with pytest.raises(PopulationError, match="'Service' with 3 values"):
        populate(merge_templates([small_template()]), business)


def test_business_items_are_validated() -> None:
    with pytest.raises(ValueError, match="longer than 5 words"):
        BusinessDetails(services=["a service with a name that is far too long"])
    with pytest.raises(ValueError, match="Extra inputs"):
        BusinessDetails.model_validate({"servces": ["typo"]})
