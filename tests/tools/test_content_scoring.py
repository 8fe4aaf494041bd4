from igny8.tools.seo.content_scoring import score_content

PARAGRAPH = (
    "<p>Dental implants cost less than you think. Most clinics offer payment plans for patients. "
    "Ask for a quote before you book, and compare at least three offers from local clinics.</p>"
)


def _score(document: str, **overrides):  # type: ignore[no-untyped-def]
    args = {
        "title": "Dental Implants Cost",
        "description": "x" * 100,
        "structure": "article",
        "targets": ["dental implants cost"],
        "intents": ["commercial"],
        "cluster_keywords": [],
        "subtopics": [],
        "hub_slug": "dental-implants",
        **overrides,
    }
    return score_content(document=document, **args)


def test_keywords_are_matched_in_the_text_a_reader_sees() -> None:
    score = _score("<h1>Caf&eacute; prices</h1>" + PARAGRAPH, targets=["café prices"])
    assert score.dimension("keyword_coverage").why.startswith("1/1 target keywords")


def test_json_ld_text_is_not_page_text_but_is_validated() -> None:
    script = '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "Thing"}</script>'
    score = _score(script + "<h1>X</h1>" + PARAGRAPH, targets=["schema.org"])
    assert score.dimension("keyword_coverage").why.startswith("0/1 target keywords")
    assert "/1 valid JSON-LD blocks" in score.dimension("schema_metadata").why


def test_links_are_counted_whatever_the_quoting_and_links_in_headings_are_found() -> None:
    doc = (
        "<h1>X</h1><h2><em>About</em> <a href='/dental-implants/'>implants</a></h2>"
        + PARAGRAPH
        + '<p><a href=/crowns/>crowns</a> <a href="https://example.com/">out</a></p>'
    )
    links = _score(doc).dimension("link_compliance")
    assert links.why.startswith("2 internal links") and "1 inside headings" in links.why
    assert "missing the link to its hub" not in links.why


def test_headings_are_read_from_the_tree() -> None:
    doc = "<h1>A</h1><h2>Dental <b>implants</b> cost</h2><h2 class='x'>Recovery</h2>" + PARAGRAPH
    heading = _score(doc, subtopics=["implants cost", "recovery", "insurance"]).dimension("heading_structure")
    assert heading.why.startswith("1 h1, 2 h2; headings touch 2/3")
