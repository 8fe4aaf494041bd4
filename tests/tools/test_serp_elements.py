"""SERP elements are placed once: placing them again, or stripping them, gives back the same bytes, and
HowTo steps are read only from the steps section's own list."""

import pytest

from igny8.tools.seo.schema_builders import faq_from_html, steps_from_html
from igny8.tools.seo.serp_elements import build_elements, place_elements, split_elements, strip_elements

SECTIONS = "".join(
    f'<section id="{key}">\n<h2>{key.title()} heading</h2>\n<p>The {key} part says something useful here. '
    f"It has a second sentence too.</p>\n</section>\n"
    for key in ("intro", "details", "tips")
)
STEPS = (
    '<section id="steps">\n<h2>Steps</h2>\n<ol><li>First &amp; foremost</li><li>Then <a href="/x/">x</a></li></ol>\n'
    "</section>\n"
)
FAQ = '<section id="faq">\n<h2>FAQ</h2>\n<h3>Why?</h3>\n<p>Because it&#x27;s so.</p>\n</section>\n'


@pytest.mark.parametrize(
    "head",
    ['<article>\n<h1>Title</h1>\n<p class="lead">The lead.</p>\n', "<article>\n<h1>Title</h1>\n", "<article>\n"],
)
def test_placing_twice_is_placing_once(head: str) -> None:
    document = head + SECTIONS + STEPS + FAQ + "</article>\n"
    elements = build_elements(document, topic="Topic", structure="guide", cluster_type=None)
    assert {"tldr", "toc", "key_takeaways", "faq", "definition"} <= set(elements)
    once = place_elements(document, elements)
    assert build_elements(once, topic="Topic", structure="guide", cluster_type=None) == elements
    assert place_elements(once, elements) == once
    assert place_elements(strip_elements(once), elements) == once
    base, found = split_elements(once)
    assert base == strip_elements(once) and set(found) == set(elements)
    assert place_elements(base, found) == once


def test_steps_only_from_the_steps_section() -> None:
    document = place_elements(
        "<article>\n<h1>T</h1>\n" + SECTIONS + STEPS + FAQ + "</article>",
        build_elements(SECTIONS, topic="T", structure="guide", cluster_type=None),
    )
    assert "<ol>" in document.split('<section id="steps">')[0]  # the table of contents comes first
    assert steps_from_html(document) == ["First & foremost", "Then x"]
    assert steps_from_html("<article>" + SECTIONS + "<ol><li>Not a step</li></ol></article>") == []
    assert faq_from_html(document) == [("Why?", "Because it's so.")]


def test_lead_tldr_and_definition_never_repeat_one_sentence() -> None:
    page = (
        '<article><h1>Root Canal</h1><p class="lead">A root canal saves an infected tooth.</p>\n'
        '<section id="intro"><h2>Introduction</h2><p>A root canal saves an infected tooth. It takes one or two '
        "visits.</p></section>\n"
        '<section id="overview"><h2>Overview</h2><p>Root canal treatment removes the inflamed pulp inside the '
        "tooth. The canal is then sealed.</p></section>\n"
        '<section id="cost"><h2>Cost</h2><p>The price depends on which tooth needs the treatment and on '
        "cover.</p></section></article>"
    )
    elements = build_elements(page, topic="Root Canal", structure="guide", cluster_type="informational")
    said = [
        "A root canal saves an infected tooth.",
        elements["tldr"].split("</strong> ", 1)[1].removesuffix("</aside>"),
        elements["definition"].split("</dfn>: ", 1)[1].removesuffix("</aside>"),
    ]
    assert len(set(said)) == 3, said
    assert said[1].startswith("Root canal treatment removes")
