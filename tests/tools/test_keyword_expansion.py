from igny8.tools.sag.keyword_expansion import ExpansionReport, expand_template, quality_problem
from tests.sag_fixtures import attribute, keyword_template

ATTRS = {
    "service": attribute("service", "primary", "category", ["Dental Implants", "Veneers", "Crowns", "Dental Clinic"]),
    "group": attribute("group", "secondary", "audience", ["Kids", "Adults", "Seniors", "Teens"]),
}


def texts(template) -> list[str]:  # type: ignore[no-untyped-def]
    return [k.text for k in expand_template(template, ATTRS)]


def test_values_times_modifiers_lowercased_with_their_intersection() -> None:
    found = list(
        expand_template(
            keyword_template(
                "{modifier} {service} for {group}", modifiers=["best", "cheap"], only={"service": ["Veneers"]}
            ),
            ATTRS,
        )
    )
    assert len(found) == 8
    assert found[0].text == "best veneers for kids"
    assert found[0].values == (("service", "Veneers"), ("group", "Kids"))


def test_comparisons_pair_each_two_values_once() -> None:
    found = texts(
        keyword_template("{service} vs {service}", only={"service": ["Dental Implants", "Veneers", "Crowns"]})
    )
    assert found == ["dental implants vs veneers", "dental implants vs crowns", "veneers vs crowns"]


def test_exclude_removes_nonsense_pairs() -> None:
    found = texts(
        keyword_template(
            "{service} for {group}",
            only={"service": ["Dental Implants"]},
            exclude=[["service=Dental Implants", "group=Kids"]],
        )
    )
    assert "dental implants for kids" not in found and len(found) == 3


def test_doubled_words_are_dropped_and_counted() -> None:
    report = ExpansionReport()
    found = [k.text for k in expand_template(keyword_template("{service} clinic"), ATTRS, report)]
    assert "dental clinic clinic" not in found
    assert report.dropped["doubled word"] == 1


def test_quality_rules() -> None:
    assert quality_problem("teeth {colour} whitening") == "leftover placeholder"
    assert quality_problem("veneers") == "single word"
    assert quality_problem("best best veneers") == "doubled word"
    assert quality_problem("best veneers for adults") is None
