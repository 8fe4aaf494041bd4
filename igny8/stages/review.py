"""Stage 7 up to publishing: auto-approve rules, the publish-ready export per page and the static preview.

Pages are read with the HTML parser (``html_fragment``): paragraphs, sections and links are elements, text is
what a reader sees (the JSON-LD script's braces are not text, so they are not taken for a template placeholder).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from igny8.tools.content.content_structures import layout_for
from igny8.tools.content.page_render import document, preview_index, write_json
from igny8.tools.seo.html_fragment import page_text, parse_fragment, serialise, text_of

MIN_WORDS = {"post": 180, "page": 120, "product": 80, "taxonomy": 60}
MIN_ON_TOPIC_SHARE = 0.6
_SITE_PAGE = re.compile(r"/([^/?#]+)/")
_STOP = {
    "what",
    "with",
    "your",
    "that",
    "this",
    "from",
    "best",
    "guide",
    "complete",
    "know",
    "need",
    "more",
    "options",
    "costs",
    "choose",
    "right",
    "which",
    "about",
    "than",
    "does",
    "have",
}


def on_topic_share(title: str, keywords: list[str], html_text: str) -> float:
    """Share of written paragraphs that mention a word of the page's topic (off-topic model prose fails)."""
    topic = {w for w in re.findall(r"[a-z]{4,}", " ".join([title, *keywords]).lower()) if w not in _STOP}
    paragraphs = [text_of(p).lower() for p in parse_fragment(html_text).css("p")]
    paragraphs = [p for p in paragraphs if len(p.split()) >= 8]
    if not paragraphs or not topic:
        return 1.0
    return sum(1 for p in paragraphs if any(w in p for w in topic)) / len(paragraphs)


def review_problems(row: dict[str, Any], images: list[dict[str, Any]]) -> list[str]:
    """Why a page cannot be auto-approved; empty means approved."""
    meta = row["meta"]
    problems = []
    needed = MIN_WORDS.get(meta.get("content_type", "post"), 120)
    if meta.get("word_count", 0) < needed:
        problems.append(f"{meta.get('word_count', 0)} words; auto-approval needs {needed}")
    sections = {node.attributes.get("id") for node in parse_fragment(row["html"]).css("section[id]")}
    # A section the writer left out on purpose (no real cells for a table, no distinct pros and cons) is
    # not missing: leaving it out is better than a placeholder.
    omitted = meta.get("omitted_sections") or {}
    missing = [s.key for s in layout_for(meta["structure"]) if s.key not in sections and s.key not in omitted]
    if missing:
        problems.append(f"sections missing: {', '.join(missing)}")
    text = page_text(row["html"]).lower()
    keywords = meta.get("target_keywords", [])
    if keywords and not any(k.lower() in text or k.lower() in row["title"].lower() for k in keywords):
        problems.append("no target keyword appears in the page")
    share = on_topic_share(row["title"], keywords, row["html"])
    if share < MIN_ON_TOPIC_SHARE:
        problems.append(f"only {share:.0%} of paragraphs are about the page's topic")
    if "{" in text or "}" in text:
        problems.append("a template placeholder was left in the text")
    if not any(i["role"] == "featured" and i["path"] for i in images):
        problems.append("no featured image")
    return problems


def export_page(
    export_dir: Path, row: dict[str, Any], images: list[dict[str, Any]], related: list[dict[str, str]]
) -> dict[str, Any]:
    pages = export_dir / "pages"
    featured = next((i["path"] for i in images if i["role"] == "featured" and i["path"]), None)
    body = _preview_body(row["html"], f"../images/{Path(featured).name}" if featured else None)
    meta = {
        **row["meta"],
        "title": row["title"],
        "slug": row["slug"],
        "status": row["status"],
        "images": [
            {"role": i["role"], "prompt": i["prompt"], "file": Path(i["path"]).name if i["path"] else None}
            for i in images
        ],
    }
    pages.mkdir(parents=True, exist_ok=True)
    (pages / f"{row['slug']}.html").write_text(
        document(row["title"], body, meta, related, "../index.html"), encoding="utf-8"
    )
    write_json(pages / f"{row['slug']}.json", {**meta, "html": row["html"]})
    return meta


def _preview_body(html_text: str, featured_src: str | None) -> str:
    """The page for the static preview: links to site pages (``/slug/``) point at their preview files, and the
    featured image follows the h1."""
    tree = parse_fragment(html_text)
    for a in tree.css("a[href]"):
        slug = _SITE_PAGE.fullmatch(a.attributes.get("href") or "")
        if slug:
            a.attrs["href"] = f"{slug.group(1)}.html"
    h1 = tree.css_first("h1")
    if featured_src and h1 is not None:
        img = parse_fragment(f'<img class="featured" src="{html.escape(featured_src)}" alt="">').css_first("img")
        h1.insert_after(img)
        h1.insert_after("\n")
    return serialise(tree)


def write_preview(export_dir: Path, site_name: str, pages: list[dict[str, Any]]) -> Path:
    index = export_dir / "index.html"
    index.write_text(preview_index(site_name, pages), encoding="utf-8")
    write_json(export_dir / "site.json", {"site": site_name, "pages": pages})
    return index
