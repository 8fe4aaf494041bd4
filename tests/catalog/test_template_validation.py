import pytest

from igny8.catalog.validation import validate_template
from tests.sag_fixtures import attribute, keyword_template, small_template


def problems(template) -> list[str]:  # type: ignore[no-untyped-def]
    return [v.problem for v in validate_template(template)]


def test_a_sound_template_breaks_only_the_size_rule() -> None:
    # Small on purpose: 5 attributes × 4 values cannot yield the keywords a site needs.
    assert [p for p in problems(small_template()) if "needs at least" not in p] == []
    assert any("yields" in p for p in problems(small_template()))


def test_level_counts_and_total() -> None:
    template = small_template()
    attrs = [a.model_copy(update={"level": "primary"}) for a in template.attributes]
    found = problems(template.model_copy(update={"attributes": attrs}))
    assert "5 primary attributes; needs 2–3" in found
    assert "0 secondary attributes; needs 2–3" in found
    assert "0 tertiary attributes; needs 1–2" in found


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (["Invisalign", "Veneers", "Crowns"], "has 3 values; needs 4–12"),
        (["Invisalign", "Veneers", "Crowns", "Other"], "value 'Other' is too thin"),
        (["Invisalign", "Veneers", "Crowns", "veneers"], "value 'veneers' appears 2 times"),
        (["Invisalign", "Veneers", "Crowns", "Bridges (dental)"], "punctuation"),
        (["Invisalign", "Veneers", "Crowns", "A very long value with many words"], "longer than 5 words"),
    ],
)
def test_values_must_carry_a_page(values: list[str], expected: str) -> None:
    template = small_template()
    attrs = [template.attributes[0].model_copy(update={"values": values}), *template.attributes[1:]]
    found = problems(template.model_copy(update={"attributes": attrs}))
    assert any(expected in p for p in found), found


def test_value_in_two_attributes() -> None:
    template = small_template()
    attrs = [*template.attributes[:4], attribute("insurer", "tertiary", "brand", ["Cigna", "Aetna", "Humana", "Kids"])]
    assert any(
        "'kids' is in both group and insurer" in p for p in problems(template.model_copy(update={"attributes": attrs}))
    )


def test_keyword_template_rules() -> None:
    template = small_template()
    bad = [
        *template.keyword_templates,
        keyword_template("{colour} braces"),
        keyword_template("{modifier} {service}"),
        keyword_template("{service} deals", modifiers=["cheap", "best"]),
        keyword_template("{service} cost", only={"service": ["Gold Teeth"]}),
        keyword_template("{service} for {group}", exclude=[["group=Toddlers"]]),
    ]
    found = problems(template.model_copy(update={"keyword_templates": bad}))
    assert any("unknown attributes colour" in p for p in found)
    assert sum("{modifier} and a modifiers list go together" in p for p in found) == 2
    assert any("'only' lists values not in service: Gold Teeth" in p for p in found)
    assert any("'exclude' term 'group=Toddlers'" in p for p in found)


def test_primary_and_secondary_attributes_need_keyword_templates() -> None:
    template = small_template()
    kept = [k for k in template.keyword_templates if "{price}" not in k.pattern]
    assert "secondary attribute 'price' is in no keyword template" in problems(
        template.model_copy(update={"keyword_templates": kept})
    )


def test_no_primary_category() -> None:
    template = small_template()
    attrs = [template.attributes[0].model_copy(update={"kind": "feature"}), *template.attributes[1:]]
    assert any(
        "no primary attribute of kind 'category'" in p
        for p in problems(template.model_copy(update={"attributes": attrs}))
    )
