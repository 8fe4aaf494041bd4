"""The optimizer's 0–100 content score: six named dimensions, each with its points and why (SPEC §4).

The page is read once with the HTML parser (``html_fragment``): headings, paragraphs, links and JSON-LD blocks
are elements of the tree, and text is what a reader sees (entities decoded, scripts and styles left out).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from igny8.tools.content.readability import reading_ease, words_per_sentence
from igny8.tools.sag.keyword_generation import STOPWORDS
from igny8.tools.seo.html_fragment import internal_link_nodes, parse_fragment, text_of
from igny8.tools.seo.json_ld import validate_json_ld
from igny8.tools.seo.link_scoring import MAX_LINKS_PER_PAGE, MIN_LINKS_PER_PAGE

INTENT_STRUCTURES = {
    "informational": {"article", "guide", "listicle", "cluster_hub", "attribute_archive", "tag_archive", "general"},
    "commercial": {
        "comparison",
        "review",
        "listicle",
        "cluster_hub",
        "service_page",
        "product_page",
        "category_archive",
        "landing_page",
    },
    "transactional": {"service_page", "product_page", "landing_page", "category_archive"},
    "navigational": {"landing_page", "business_page", "cluster_hub", "general"},
}
_WORD = re.compile(r"[a-z0-9']+")
_STOP = STOPWORDS | {"or", "best", "near", "me", "vs"}


@dataclass(frozen=True)
class Dimension:
    name: str
    points: float
    out_of: int
    why: str


@dataclass(frozen=True)
class ContentScore:
    total: float
    dimensions: list[Dimension]

    def as_dict(self) -> dict[str, Any]:
        return {"total": self.total, "dimensions": [asdict(d) for d in self.dimensions]}

    def dimension(self, name: str) -> Dimension:
        return next(d for d in self.dimensions if d.name == name)


_SPACE = re.compile(r"\s+")


def _block_text(node: LexborNode) -> str:
    """Text with a space between elements, so a heading's last word never runs into the next paragraph's first."""
    return _SPACE.sub(" ", node.text(deep=True, separator=" ")).strip()


def _content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP}


def _keyword_coverage(text: str, targets: list[str], cluster_keywords: list[str]) -> Dimension:
    lowered = text.lower()
    exact = [k for k in targets if k.lower() in lowered]
    words = _content_words(text)
    partial = [k for k in cluster_keywords if _content_words(k) and _content_words(k) <= words]
    target_share = len(exact) / len(targets) if targets else 1.0
    cluster_share = len(partial) / len(cluster_keywords) if cluster_keywords else 1.0
    points = 15 * target_share + 10 * cluster_share
    missing = [k for k in targets if k not in exact][:3]
    return Dimension(
        "keyword_coverage",
        round(points, 1),
        25,
        f"{len(exact)}/{len(targets)} target keywords verbatim, {len(partial)}/{len(cluster_keywords)} "
        f"cluster keywords covered" + (f"; missing: {', '.join(missing)}" if missing else ""),
    )


def _headings(tree: LexborHTMLParser, subtopics: list[str]) -> Dimension:
    h1 = len(tree.css("h1"))
    h2 = [text_of(h).lower() for h in tree.css("h2")]
    heading_words = _content_words(" ".join(h2))
    covered = [s for s in subtopics if _content_words(s) & heading_words]
    share = len(covered) / len(subtopics) if subtopics else 1.0
    points = (4 if h1 == 1 else 0) + (4 if len(h2) >= 3 else len(h2)) + 7 * share
    return Dimension(
        "heading_structure",
        round(points, 1),
        15,
        f"{h1} h1, {len(h2)} h2; headings touch {len(covered)}/{len(subtopics)} of the cluster's subtopics",
    )


def _intent(structure: str, intents: list[str]) -> Dimension:
    if not intents:
        return Dimension("intent_match", 15, 15, "no target keywords: nothing to mismatch")
    dominant = max(set(intents), key=intents.count)
    fits = structure in INTENT_STRUCTURES.get(dominant, set())
    return Dimension(
        "intent_match",
        15 if fits else 5,
        15,
        f"dominant intent {dominant}; structure {structure} {'fits' if fits else 'does not fit'} it",
    )


def _readability(text: str) -> Dimension:
    if len(text.split()) < 30:
        return Dimension("readability", 0, 15, "too little text to read")
    ease = reading_ease(text)
    sentence = words_per_sentence(text)
    points = 15 * max(0.0, min(1.0, (ease - 20) / 45))
    return Dimension(
        "readability",
        round(points, 1),
        15,
        f"Flesch reading ease {ease:.0f} (60+ is easy), {sentence:.0f} words per sentence",
    )


def _schema_metadata(blocks: list[str], title: str, description: str) -> Dimension:
    valid = 0
    for block in blocks:
        try:
            data = json.loads(block.replace("<\\/", "</"))
        except json.JSONDecodeError:
            continue
        nodes = data if isinstance(data, list) else [data]
        valid += all(not any(i.severity == "error" for i in validate_json_ld(n)) for n in nodes)
    points = (
        (8 if blocks and valid == len(blocks) else 0)
        + (4 if 70 <= len(description) <= 160 else 0)
        + (3 if 10 <= len(title) <= 65 else 0)
    )
    return Dimension(
        "schema_metadata",
        points,
        15,
        f"{valid}/{len(blocks)} valid JSON-LD blocks; meta description {len(description)} chars "
        f"(70–160); title {len(title)} chars (10–65)",
    )


def _links(tree: LexborHTMLParser, needs_hub: str | None) -> Dimension:
    hrefs = [urlsplit(a.attributes.get("href") or "").path.strip("/") for a in internal_link_nodes(tree)]
    in_headings = len(tree.css(", ".join(f"h{n} a[href]" for n in range(1, 7))))
    count = len(hrefs)
    within = MIN_LINKS_PER_PAGE <= count <= MAX_LINKS_PER_PAGE
    hub_ok = needs_hub is None or needs_hub in hrefs
    points = (7 if within else 3 if count else 0) + (5 if hub_ok else 0) + (3 if not in_headings else 0)
    return Dimension(
        "link_compliance",
        points,
        15,
        f"{count} internal links ({MIN_LINKS_PER_PAGE}–{MAX_LINKS_PER_PAGE} wanted)"
        + ("" if hub_ok else "; missing the link to its hub")
        + (f"; {in_headings} inside headings" if in_headings else ""),
    )


def score_content(
    *,
    document: str,
    title: str,
    description: str,
    structure: str,
    targets: list[str],
    intents: list[str],
    cluster_keywords: list[str],
    subtopics: list[str],
    hub_slug: str | None,
) -> ContentScore:
    tree = parse_fragment(document)
    blocks = [s.text(deep=True) for s in tree.css('script[type="application/ld+json"]')]
    for node in tree.css("script, style, template"):
        node.decompose()
    text = _block_text(tree.body) if tree.body is not None else ""
    dimensions = [
        _keyword_coverage(text, targets, cluster_keywords),
        _headings(tree, subtopics),
        _intent(structure, intents),
        _readability(" ".join(text_of(p) for p in tree.css("p"))),
        _schema_metadata(blocks, title, description),
        _links(tree, hub_slug),
    ]
    return ContentScore(round(sum(d.points for d in dimensions), 1), dimensions)
