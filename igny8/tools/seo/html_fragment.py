"""A page's HTML read and edited with a real HTML parser (lexbor, through selectolax).

A stored page is a fragment (no ``<html>``/``<head>``), often starting with our JSON-LD ``<script>``. It is
parsed inside ``<body>`` so that a leading script stays where it is (a bare fragment would move it into
``<head>``), and written back from the body's children. Serialising is canonical (entities such as
``&#x27;`` come back as the character), so parse → serialise → parse → serialise gives the same bytes.
"""

from __future__ import annotations

import re
from collections import Counter
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

_SPACE = re.compile(r"\s+")


def parse_fragment(document: str) -> LexborHTMLParser:
    return LexborHTMLParser("<body>" + document)


def serialise(tree: LexborHTMLParser) -> str:
    body = tree.body
    return (body.inner_html or "") if body is not None else ""


def text_of(node: LexborNode) -> str:
    """The text a reader sees, whitespace collapsed."""
    return _SPACE.sub(" ", node.text(deep=True)).strip()


def page_text(document: str) -> str:
    """What a reader of the page sees: its text without scripts and styles, whitespace collapsed."""
    tree = parse_fragment(document)
    for node in tree.css("script, style, template"):
        node.decompose()
    return text_of(tree.body) if tree.body is not None else ""


def remove_node(node: LexborNode) -> None:
    """Remove ``node`` and the one newline written after it when it was placed."""
    following = node.next
    if following is not None and following.is_text_node:
        text = following.text_content or ""
        if text == "\n":
            following.decompose()
        elif text.startswith("\n"):  # the newline merged with text that followed it
            following.replace_with(text[1:])
    node.decompose()


def insert_fragment_after(anchor: LexborNode, fragments: list[str]) -> None:
    """Insert each fragment, followed by a newline, after ``anchor`` (so ``remove_node`` undoes it exactly)."""
    for fragment in reversed(fragments):
        anchor.insert_after("\n")
        nodes = list(parse_fragment(fragment).body.iter(include_text=True))
        for node in reversed(nodes):
            anchor.insert_after(node)


def is_internal_href(href: str, site_url: str = "") -> bool:
    """A link to a page of the site: root-relative (``/slug/``) or absolute on the site's own host."""
    if href.startswith("/") and not href.startswith("//"):
        return True
    if site_url:
        host = urlsplit(site_url).netloc.lower()
        return bool(host) and urlsplit(href).netloc.lower() == host
    return False


def internal_link_nodes(tree: LexborHTMLParser, site_url: str = "") -> list[LexborNode]:
    """Internal links: hrefs to site pages, and any ``a`` that carries a ``data-igny8`` attribute."""
    return [
        a
        for a in tree.css("a[href]")
        if is_internal_href(a.attributes.get("href") or "", site_url)
        or any(name.startswith("data-igny8") for name in a.attributes)
    ]


def internal_links(document: str, site_url: str = "") -> Counter[str]:
    """How many times the page links to each internal href (path only, fragment and query dropped)."""
    return Counter(
        urlsplit(a.attributes.get("href") or "").path or (a.attributes.get("href") or "")
        for a in internal_link_nodes(parse_fragment(document), site_url)
    )


def lost_links(before: str, after: str, site_url: str = "") -> Counter[str]:
    """Internal links present in ``before`` and missing from ``after`` (counted, so a second copy counts)."""
    return internal_links(before, site_url) - internal_links(after, site_url)
