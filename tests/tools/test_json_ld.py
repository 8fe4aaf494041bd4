import json

import pytest

from igny8.tools.seo.json_ld import CONTEXT, TYPES, script_tag, validate_json_ld


def errors(node: dict) -> list[str]:
    return [i.message for i in validate_json_ld(node) if i.severity == "error"]


@pytest.mark.parametrize(
    ("node", "expected"),
    [
        (
            {
                "@type": "Article",
                "headline": "x" * 120,
                "author": {"@type": "Person", "name": "A"},
                "datePublished": "2026-01-01",
            },
            "headline is longer than 110",
        ),
        (
            {"@type": "Article", "headline": "x", "author": "Bob", "datePublished": "yesterday"},
            "author must be a Person or Organization",
        ),
        (
            {"@type": "Article", "headline": "x", "author": {"@type": "Person", "name": "A"}, "datePublished": "soon"},
            "datePublished must be an ISO 8601 date",
        ),
        ({"@type": "FAQPage", "mainEntity": [{"@type": "Question", "name": "q"}]}, "each Question needs"),
        ({"@type": "HowTo", "name": "x", "step": [{"@type": "HowToStep", "text": "only one"}]}, "at least two"),
        (
            {"@type": "BreadcrumbList", "itemListElement": [{"@type": "ListItem", "position": 2, "name": "a"}]},
            "has position 2",
        ),
        ({"@type": "Product", "name": "x", "offers": {"price": 10}}, "offers needs price and priceCurrency"),
        ({"@type": "Product", "name": "x"}, "missing required property offers"),
        ({"@type": "LocalBusiness", "name": "x", "address": "Main St"}, "address must be a PostalAddress"),
        ({"@type": "Service", "name": "x", "provider": {"@type": "Organization"}}, "provider must name"),
        ({"@type": "Organization", "name": "x", "url": "example.com"}, "absolute or root-relative"),
        ({"@type": "Recipe", "name": "x"}, "unsupported @type"),
    ],
)
def test_validator_names_each_problem(node: dict, expected: str) -> None:
    node = {"@context": CONTEXT, **node}
    assert any(expected in e for e in errors(node)), errors(node)


def test_a_valid_node_of_each_type_has_no_errors() -> None:
    item = {"@type": "ListItem", "position": 1, "name": "Home", "url": "/"}
    valid = {
        "Article": {"headline": "h", "author": {"@type": "Organization", "name": "o"}, "datePublished": "2026-01-02"},
        "Product": {"name": "p", "offers": {"@type": "Offer", "price": "9.99", "priceCurrency": "USD"}},
        "FAQPage": {
            "mainEntity": [{"@type": "Question", "name": "q?", "acceptedAnswer": {"@type": "Answer", "text": "a"}}]
        },
        "HowTo": {"name": "n", "step": [{"@type": "HowToStep", "text": "a"}, {"@type": "HowToStep", "text": "b"}]},
        "BreadcrumbList": {
            "itemListElement": [
                {"@type": "ListItem", "position": 1, "name": "Home", "item": "/"},
                {"@type": "ListItem", "position": 2, "name": "Here"},
            ]
        },
        "Organization": {"name": "o", "url": "https://example.com/"},
        "LocalBusiness": {"name": "l", "address": {"@type": "PostalAddress", "streetAddress": "1 Main St"}},
        "Service": {"name": "s", "provider": {"@type": "Organization", "name": "o"}},
        "ItemList": {"itemListElement": [item]},
        "CollectionPage": {"name": "c", "url": "/c/"},
    }
    assert set(valid) == set(TYPES)
    for kind, body in valid.items():
        assert errors({"@context": CONTEXT, "@type": kind, **body}) == [], kind


def test_script_tag_cannot_be_closed_by_page_text() -> None:
    tag = script_tag([{"@context": CONTEXT, "@type": "Organization", "name": "</script><b>x", "url": "/"}])
    assert tag.count("</script>") == 1
    payload = tag.split(">", 1)[1].rsplit("</script>", 1)[0]
    assert json.loads(payload)["name"] == "</script><b>x"
