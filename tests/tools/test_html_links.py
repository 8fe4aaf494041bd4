import pytest

from igny8.tools.seo.html_links import existing_links, insert_link, visible_text


def test_links_the_first_occurrence_in_body_text_only() -> None:
    doc = "<h2>Dental implants</h2><p>Why dental implants last.</p><p>Dental implants again.</p>"
    out, link = insert_link(doc, "dental implants", "/implants")
    assert out == (
        '<h2>Dental implants</h2><p>Why <a href="/implants">dental implants</a> last.</p><p>Dental implants again.</p>'
    )
    assert link is not None and link.anchor == "dental implants"


@pytest.mark.parametrize(
    "doc",
    [
        '<p>See <a href="/x">dental implants</a> here.</p>',
        "<pre>dental implants</pre>",
        "<p><code>dental implants</code></p>",
        "<h3>About <em>dental implants</em></h3>",
        "<script>var s = 'dental implants';</script>",
        "<!-- dental implants --><p>nothing here</p>",
        "<p>dental implantsx and xdental implants</p>",
    ],
)
def test_never_links_inside_links_code_headings_scripts_comments_or_inside_words(doc: str) -> None:
    out, link = insert_link(doc, "dental implants", "/implants")
    assert link is None and out == doc


def test_nested_tags_and_attributes_are_kept_byte_for_byte() -> None:
    doc = '<div class="a"><p>Our <strong>team</strong> places dental\n implants daily.<br/>Done</p></div>'
    out, link = insert_link(doc, "dental implants", "/i")
    assert (
        out
        == '<div class="a"><p>Our <strong>team</strong> places <a href="/i">dental\n implants</a> daily.<br/>Done</p></div>'
    )
    assert link is not None


def test_entities_are_matched_as_displayed_and_kept_raw() -> None:
    doc = "<p>Caf&eacute; prices &amp; Caf&#233; menus</p>"
    out, link = insert_link(doc, "café prices", "/cafe")
    assert out == '<p><a href="/cafe">Caf&eacute; prices</a> &amp; Caf&#233; menus</p>'
    assert link is not None and link.anchor == "Café prices"


def test_non_latin_text() -> None:
    out, link = insert_link("<p>Лучшие зубные импланты в городе</p>", "зубные импланты", "/ru")
    assert '<a href="/ru">зубные импланты</a>' in out
    out, link = insert_link("<p>我们提供牙齿美白服务</p>", "牙齿美白", "/zh")
    assert '<a href="/zh">牙齿美白</a>' in out


def test_href_is_escaped_and_links_are_read_back() -> None:
    out, _ = insert_link("<p>teeth whitening</p>", "teeth whitening", '/a"b?x=1&y=2')
    assert existing_links(out) == ['/a"b?x=1&y=2']
    assert visible_text(out).strip() == "teeth whitening"


def test_links_are_read_with_a_parser_whatever_the_quoting() -> None:
    doc = "<a href=/x>a</a><a href='/y?a=1&amp;b=2'>b</a><a name=z>c</a><!-- <a href=\"/c\">c</a> -->"
    assert existing_links(doc) == ["/x", "/y?a=1&b=2"]


def test_visible_text_leaves_out_scripts_styles_and_comments() -> None:
    doc = '<script type="application/ld+json">{"a": 1}</script><style>p{}</style><!-- x --><p>Caf&eacute;  menu</p>'
    assert visible_text(doc) == "Café menu"
