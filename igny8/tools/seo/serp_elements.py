"""The six on-page SERP elements (SPEC §4): TL;DR, table of contents, FAQ / people-also-ask, key
takeaways, comparison table and definition box, placed into a page's HTML once (each carries
``data-igny8-element`` so a re-run replaces rather than repeats it).

The page is read and edited with an HTML parser, and the elements are always built from the page with
earlier elements taken out, so placing them twice gives the same bytes as placing them once.
"""

from __future__ import annotations

import html
import re

from selectolax.lexbor import LexborHTMLParser

from igny8.domain.text import normalised, split_sentences
from igny8.tools.seo.html_fragment import insert_fragment_after, parse_fragment, remove_node, serialise, text_of

ELEMENTS = ("tldr", "toc", "faq", "key_takeaways", "comparison_table", "definition")
ORDER = ("tldr", "definition", "toc", "key_takeaways", "faq", "comparison_table")
ELEMENT_SELECTOR = "[data-igny8-element]"
# A section's heading and its first paragraph: the page's own prose (the writer's layout).
SECTION_HEADING = "section[id] > h2:first-child"
SECTION_PARAGRAPH = "section[id] > h2:first-child + p"


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", text)
    return (match.group(1) if match else text).strip()


def _unused(candidates: list[str], used: set[str]) -> str:
    """The first candidate sentence not said yet (it is then counted as said); empty if none is left."""
    for sentence in candidates:
        if sentence and normalised(sentence) not in used:
            used.add(normalised(sentence))
            return sentence
    return ""


def _strip(tree: LexborHTMLParser) -> LexborHTMLParser:
    for node in tree.css(ELEMENT_SELECTOR):
        remove_node(node)
    return tree


def strip_elements(document: str) -> str:
    """The page without the elements an earlier run placed."""
    return serialise(_strip(parse_fragment(document)))


def split_elements(document: str) -> tuple[str, dict[str, str]]:
    """The page without its placed elements, and those elements by name (to put back with place_elements
    after an edit that must not touch them, such as placing links)."""
    tree = parse_fragment(document)
    found = {node.attributes.get("data-igny8-element") or "": node.html or "" for node in tree.css(ELEMENT_SELECTOR)}
    if not found:
        return document, {}
    return serialise(_strip(tree)), found


def _headings(tree: LexborHTMLParser) -> list[tuple[str, str]]:
    return [(h2.parent.attributes.get("id") or "", text_of(h2)) for h2 in tree.css(SECTION_HEADING)]


def section_headings(document: str) -> list[tuple[str, str]]:
    return _headings(_strip(parse_fragment(document)))


def _paragraphs(tree: LexborHTMLParser) -> list[str]:
    return [text_of(p) for p in tree.css(SECTION_PARAGRAPH)]


def prose_paragraphs(document: str) -> list[str]:
    return _paragraphs(_strip(parse_fragment(document)))


def build_elements(document: str, *, topic: str, structure: str, cluster_type: str | None) -> dict[str, str]:
    """The elements that fit this page, as HTML fragments (earlier elements in ``document`` are ignored)."""
    tree = _strip(parse_fragment(document))
    elements: dict[str, str] = {}
    paragraphs = [p for p in _paragraphs(tree) if len(p.split()) >= 6]
    # Each element says something the page has not just said: the lead, the TL;DR and the definition box
    # never repeat one sentence (a page showing the same sentence three times reads as filler).
    lead = tree.css_first("p.lead")
    used = {normalised(s) for s in split_sentences(text_of(lead))} if lead is not None else set()
    firsts = [_first_sentence(p) for p in paragraphs]
    summary = _unused(firsts, used)
    if summary:
        elements["tldr"] = (
            f'<aside data-igny8-element="tldr" class="tldr"><strong>TL;DR:</strong> {html.escape(summary)}</aside>'
        )
    headings = _headings(tree)
    if len(headings) >= 3:
        items = "".join(f'<li><a href="#{html.escape(key)}">{html.escape(title)}</a></li>' for key, title in headings)
        elements["toc"] = f'<nav data-igny8-element="toc" class="toc"><h2>Contents</h2><ol>{items}</ol></nav>'
    takeaways = [t for t in firsts[1:5] if normalised(t) not in used]
    if len(takeaways) >= 2:
        items = "".join(f"<li>{html.escape(t)}</li>" for t in takeaways)
        elements["key_takeaways"] = (
            f'<aside data-igny8-element="key_takeaways" class="takeaways">'
            f"<h2>Key Takeaways</h2><ul>{items}</ul></aside>"
        )
    faq = tree.css_first("section#faq")
    if faq is not None:
        asked = [text_of(q) for q in faq.css("h3")][:4]
        if asked:
            items = "".join(f'<li><a href="#faq">{html.escape(q)}</a></li>' for q in asked)
            elements["faq"] = (
                f'<aside data-igny8-element="faq" class="paa"><h2>People Also Ask</h2><ul>{items}</ul></aside>'
            )
    if structure == "comparison" and tree.css_first("table") is not None:
        elements["comparison_table"] = (
            '<div data-igny8-element="comparison_table" class="comparison-note">'
            "Compare the options side by side in the table below.</div>"
        )
    if cluster_type == "informational" or structure in {"guide", "article"} and paragraphs:
        about = [f for f in firsts if topic and topic.lower() in f.lower()] + firsts
        definition = _unused(about, used)
        if definition and topic:
            elements["definition"] = (
                f'<aside data-igny8-element="definition" class="definition"><dfn>'
                f"{html.escape(topic)}</dfn>: {html.escape(definition)}</aside>"
            )
    return elements


def place_elements(document: str, elements: dict[str, str]) -> str:
    """Put the elements after the lead paragraph (or the h1, or at the start), replacing any placed before."""
    tree = _strip(parse_fragment(document))
    blocks = [elements[k] for k in ORDER if k in elements]
    if blocks:
        anchor = tree.css_first("p.lead") or tree.css_first("h1")
        if anchor is not None:
            following = anchor.next
            if following is not None and following.is_text_node and not following.text_content.strip():
                anchor = following  # keep the newline that ends the lead with the lead
            insert_fragment_after(anchor, blocks)
        else:
            return "".join(f"{block}\n" for block in blocks) + serialise(tree)
    return serialise(tree)
