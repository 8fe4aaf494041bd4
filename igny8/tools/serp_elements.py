"""The six on-page SERP elements (SPEC §4): TL;DR, table of contents, FAQ / people-also-ask, key
takeaways, comparison table and definition box, placed into a page's HTML once (each carries
``data-igny8-element`` so a re-run replaces rather than repeats it)."""

from __future__ import annotations

import html
import re

ELEMENTS = ("tldr", "toc", "faq", "key_takeaways", "comparison_table", "definition")
_ELEMENT_BLOCK = re.compile(r'<(aside|nav|div) data-igny8-element="[a-z_]+"[^>]*>.*?</\1>\n?', re.DOTALL)


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", fragment)).strip()


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return (match.group(1) if match else text).strip()


def strip_elements(document: str) -> str:
    return _ELEMENT_BLOCK.sub("", document)


def section_headings(document: str) -> list[tuple[str, str]]:
    return [
        (key, _text(heading))
        for key, heading in re.findall(r'<section id="([^"]+)">\s*<h2>(.*?)</h2>', document, re.DOTALL)
    ]


def prose_paragraphs(document: str) -> list[str]:
    return [_text(p) for p in re.findall(r"<section id=\"[^\"]+\">\s*<h2>.*?</h2>\s*<p>(.*?)</p>", document, re.DOTALL)]


def build_elements(document: str, *, topic: str, structure: str, cluster_type: str | None) -> dict[str, str]:
    """The elements that fit this page, as HTML fragments."""
    elements: dict[str, str] = {}
    paragraphs = [p for p in prose_paragraphs(document) if len(p.split()) >= 6]
    if paragraphs:
        elements["tldr"] = (
            f'<aside data-igny8-element="tldr" class="tldr"><strong>TL;DR:</strong> '
            f"{html.escape(_first_sentence(paragraphs[0]))}</aside>"
        )
    headings = section_headings(document)
    if len(headings) >= 3:
        items = "".join(f'<li><a href="#{html.escape(key)}">{html.escape(title)}</a></li>' for key, title in headings)
        elements["toc"] = f'<nav data-igny8-element="toc" class="toc"><h2>Contents</h2><ol>{items}</ol></nav>'
    takeaways = [_first_sentence(p) for p in paragraphs[1:5]]
    if len(takeaways) >= 2:
        items = "".join(f"<li>{html.escape(t)}</li>" for t in takeaways)
        elements["key_takeaways"] = (
            f'<aside data-igny8-element="key_takeaways" class="takeaways">'
            f"<h2>Key Takeaways</h2><ul>{items}</ul></aside>"
        )
    questions = re.findall(r'<section id="faq">.*?</section>', document, re.DOTALL)
    if questions:
        asked = [_text(q) for q in re.findall(r"<h3>(.*?)</h3>", questions[0])][:4]
        if asked:
            items = "".join(f'<li><a href="#faq">{html.escape(q)}</a></li>' for q in asked)
            elements["faq"] = (
                f'<aside data-igny8-element="faq" class="paa"><h2>People Also Ask</h2><ul>{items}</ul></aside>'
            )
    if structure == "comparison" and "<table" in document:
        elements["comparison_table"] = (
            '<div data-igny8-element="comparison_table" class="comparison-note">'
            "Compare the options side by side in the table below.</div>"
        )
    if cluster_type == "informational" or structure in {"guide", "article"} and paragraphs:
        definition = _first_sentence(paragraphs[0]) if paragraphs else ""
        if definition and topic:
            elements["definition"] = (
                f'<aside data-igny8-element="definition" class="definition"><dfn>'
                f"{html.escape(topic)}</dfn>: {html.escape(definition)}</aside>"
            )
    return elements


def place_elements(document: str, elements: dict[str, str]) -> str:
    """Put the elements after the lead paragraph (or the h1), replacing any placed before."""
    document = strip_elements(document)
    block = "\n".join(
        elements[k] for k in ("tldr", "definition", "toc", "key_takeaways", "faq", "comparison_table") if k in elements
    )
    if not block:
        return document
    lead = re.search(r'<p class="lead">.*?</p>\n?', document, re.DOTALL)
    anchor = lead.end() if lead else (document.find("</h1>") + len("</h1>\n") if "</h1>" in document else 0)
    return document[:anchor] + block + "\n" + document[anchor:]
