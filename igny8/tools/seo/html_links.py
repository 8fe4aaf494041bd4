"""Insert links into HTML without breaking it.

The HTML is split into raw tags and text runs; only text runs outside headings, links, code, pre, script,
style, buttons and labels are searched, and the match is found in the text as a reader sees it (entities
decoded) and mapped back to the raw characters, so nothing else of the markup changes by one byte.

Reading a page (its visible text, its links) goes through the HTML parser in ``html_fragment`` (lexbor). Insertion
cannot: lexbor gives no source offsets and writes a tree back canonically (``&eacute;`` → ``é``, ``<br/>`` →
``<br>``, attribute quoting normalised), so a parse → edit → serialise round trip would rewrite bytes the link
never touched. The text-run scan below is kept for finding and splicing the anchor.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass

from igny8.tools.seo.html_fragment import page_text, parse_fragment

_TOKEN = re.compile(
    r"<!--.*?-->|<(script|style|textarea)\b[^>]*>.*?</\1\s*>|<!\[CDATA\[.*?\]\]>|<![^>]*>|</?[A-Za-z][^>]*>",
    re.DOTALL | re.IGNORECASE,
)
_TAG_NAME = re.compile(r"</?\s*([A-Za-z][A-Za-z0-9-]*)")
_ENTITY = re.compile(r"&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")
FORBIDDEN = {
    "a",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "code",
    "pre",
    "script",
    "style",
    "button",
    "label",
    "textarea",
    "title",
    "head",
    "nav",
    "figcaption",
    "select",
    "option",
}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@dataclass(frozen=True, slots=True)
class InsertedLink:
    anchor: str  # the text as it appears in the page
    href: str


def _decoded_with_map(raw: str) -> tuple[str, list[int]]:
    """The text as displayed, and for each displayed character the raw offset where it starts."""
    out: list[str] = []
    starts: list[int] = []
    i = 0
    while i < len(raw):
        if raw[i] == "&":
            m = _ENTITY.match(raw, i)
            if m:
                decoded = html.unescape(m.group(0))
                for ch in decoded:
                    out.append(ch)
                    starts.append(i)
                i = m.end()
                continue
        out.append(raw[i])
        starts.append(i)
        i += 1
    starts.append(len(raw))
    return "".join(out), starts


def _is_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(ch) in {"W", "F"} for ch in text)


def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    words = [re.escape(w) for w in phrase.split()]
    body = r"\s+".join(words)
    if _is_cjk(phrase):
        return re.compile(body, re.IGNORECASE)
    return re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)


def text_runs(document: str) -> list[tuple[int, int, bool]]:
    """(start, end, linkable) of every text run between tags."""
    runs: list[tuple[int, int, bool]] = []
    stack: list[str] = []
    position = 0
    for match in _TOKEN.finditer(document):
        if match.start() > position:
            runs.append((position, match.start(), not any(t in FORBIDDEN for t in stack)))
        token = match.group(0)
        name_match = _TAG_NAME.match(token)
        if name_match and not token.startswith("<!"):
            name = name_match.group(1).lower()
            if token.startswith("</"):
                if name in stack:
                    while stack and stack.pop() != name:
                        pass
            elif name not in VOID and not token.endswith("/>") and match.group(1) is None:
                stack.append(name)
        position = match.end()
    if position < len(document):
        runs.append((position, len(document), not any(t in FORBIDDEN for t in stack)))
    return runs


def visible_text(document: str) -> str:
    """What a reader sees (scripts, styles and comments left out), whitespace collapsed."""
    return page_text(document)


def find_phrase(document: str, phrase: str) -> tuple[int, int] | None:
    """Raw (start, end) of the first linkable occurrence of ``phrase``, or None."""
    pattern = _phrase_pattern(phrase)
    for start, end, linkable in text_runs(document):
        if not linkable:
            continue
        decoded, starts = _decoded_with_map(document[start:end])
        m = pattern.search(decoded)
        if m:
            return start + starts[m.start()], start + starts[m.end()]
    return None


def insert_link(
    document: str, phrase: str, href: str, *, attributes: dict[str, str] | None = None
) -> tuple[str, InsertedLink | None]:
    """Link the first linkable occurrence of ``phrase``; the document is returned unchanged if there is none."""
    found = find_phrase(document, phrase)
    if found is None:
        return document, None
    start, end = found
    extra = "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in (attributes or {}).items())
    tag = f'<a href="{html.escape(href, quote=True)}"{extra}>'
    raw = document[start:end]
    return document[:start] + tag + raw + "</a>" + document[end:], InsertedLink(html.unescape(raw), href)


def existing_links(document: str) -> list[str]:
    """Every link's href, entities decoded, in page order."""
    return [a.attributes.get("href") or "" for a in parse_fragment(document).css("a[href]")]
