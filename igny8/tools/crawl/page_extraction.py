"""What one fetched HTML page says about itself: canonical, title, meta description, headings, main text
(boilerplate removed by trafilatura), internal and external links, JSON-LD blocks, and WordPress's own
taxonomy classes when the page carries them. Everything here is data, never instructions."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urldefrag, urljoin, urlsplit

import trafilatura
from selectolax.lexbor import LexborHTMLParser

MAX_TEXT_CHARS = 100_000
_WP_TERM_CLASS = re.compile(r"^(category|tag)-([a-z0-9-]+)$")


@dataclass(frozen=True)
class ExtractedPage:
    url: str
    canonical: str | None
    title: str
    meta_description: str
    headings: list[tuple[int, str]]
    main_text: str
    internal_links: list[str]
    external_links: list[str]
    json_ld: list[dict[str, Any]]
    wp_terms: dict[str, list[str]] = field(default_factory=dict)
    noindex: bool = False

    @property
    def word_count(self) -> int:
        return len(self.main_text.split())


def normalise_url(url: str) -> str:
    """Without the fragment; an empty path becomes ``/``; scheme and host lowercased."""
    bare, _ = urldefrag(url)
    parts = urlsplit(bare)
    path = parts.path or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}{query}"


def site_host(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host


def _clean(text: str | None, limit: int = 1000) -> str:
    return " ".join((text or "").split())[:limit]


def _json_ld_blocks(tree: LexborHTMLParser) -> list[dict[str, Any]]:
    blocks: list[dict[str, Any]] = []
    for script in tree.css('script[type="application/ld+json"]'):
        try:
            data = json.loads(script.text(deep=True) or "")
        except ValueError:
            continue  # a broken block counts as missing: that is what a search engine makes of it
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        blocks.extend(item for item in items if isinstance(item, dict))
    return blocks


def _wordpress_terms(tree: LexborHTMLParser) -> dict[str, list[str]]:
    """WordPress themes mark an article with ``category-<slug>`` and ``tag-<slug>`` classes (post_class())."""
    terms: dict[str, set[str]] = {}
    for node in tree.css("article[class], body[class]"):
        for name in (node.attributes.get("class") or "").split():
            match = _WP_TERM_CLASS.match(name)
            if match:
                terms.setdefault(match.group(1), set()).add(match.group(2))
    return {kind: sorted(slugs) for kind, slugs in terms.items()}


def extract_page(url: str, html: str) -> ExtractedPage:
    tree = LexborHTMLParser(html)
    canonical_node = tree.css_first('link[rel="canonical"]')
    canonical_href = (canonical_node.attributes.get("href") or "").strip() if canonical_node else ""
    description_node = tree.css_first('meta[name="description"]')
    robots_node = tree.css_first('meta[name="robots"]')
    title_node = tree.css_first("title")
    headings = [
        (int(node.tag[1]), _clean(node.text(deep=True), 300))
        for node in tree.css("h1, h2, h3, h4, h5, h6")
        if _clean(node.text(deep=True))
    ]
    host = site_host(url)
    internal: dict[str, None] = {}
    external: dict[str, None] = {}
    for anchor in tree.css("a[href]"):
        href = (anchor.attributes.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
            continue
        target = normalise_url(urljoin(url, href))
        if urlsplit(target).scheme not in {"http", "https"}:
            continue
        (internal if site_host(target) == host else external)[target] = None
    main_text = trafilatura.extract(html, url=url, include_comments=False, include_tables=True, favor_recall=True)
    return ExtractedPage(
        url=url,
        canonical=normalise_url(urljoin(url, canonical_href)) if canonical_href else None,
        title=_clean(title_node.text() if title_node else "", 300),
        meta_description=_clean(description_node.attributes.get("content") if description_node else "", 500),
        headings=headings[:200],
        main_text=(main_text or "").strip()[:MAX_TEXT_CHARS],
        internal_links=list(internal)[:1000],
        external_links=list(external)[:1000],
        json_ld=_json_ld_blocks(tree),
        wp_terms=_wordpress_terms(tree),
        noindex="noindex" in (robots_node.attributes.get("content") or "").lower() if robots_node else False,
    )
