"""Sitemaps (urlset) and sitemap indexes, read with a parser that resolves no entities and fetches nothing."""

from __future__ import annotations

import gzip
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from lxml import etree

from igny8.tools.crawl.fetcher import Fetched

MAX_SITEMAPS = 50
_MAX_UNZIPPED = 50_000_000  # the protocol's own limit per sitemap file


@dataclass
class SitemapReading:
    pages: list[str] = field(default_factory=list)
    sitemaps_read: list[str] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)  # (url, why)


def _xml_bytes(fetched: Fetched) -> bytes:
    if fetched.body[:2] == b"\x1f\x8b":
        with gzip.GzipFile(fileobj=io.BytesIO(fetched.body)) as unzipped:
            return unzipped.read(_MAX_UNZIPPED)
    return fetched.body


def parse_sitemap(body: bytes) -> tuple[str, list[str]]:
    """(``"index"`` or ``"urlset"``, the <loc> addresses). Raises ValueError when it is not a sitemap."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"not well-formed XML ({exc.msg})") from exc
    kind = etree.QName(root).localname
    if kind not in {"sitemapindex", "urlset"}:
        raise ValueError(f"the root element is <{kind}>, not <urlset> or <sitemapindex>")
    locations = [
        (element.text or "").strip()
        for element in root.iter()
        if isinstance(element.tag, str) and etree.QName(element).localname == "loc"
    ]
    return ("index" if kind == "sitemapindex" else "urlset"), [loc for loc in locations if loc]


def read_sitemaps(
    roots: list[str], fetch: Callable[[str], Fetched | None], *, same_site: Callable[[str], bool], limit: int
) -> SitemapReading:
    """Follow sitemap indexes breadth first from ``roots``; keep same-site page addresses, at most ``limit``."""
    reading = SitemapReading()
    queue, seen = list(dict.fromkeys(roots)), set()
    while queue and len(reading.sitemaps_read) < MAX_SITEMAPS and len(reading.pages) < limit:
        url = queue.pop(0)
        if url in seen or not same_site(url):
            continue
        seen.add(url)
        fetched = fetch(url)
        if fetched is None:
            continue
        if fetched.status != 200:
            if fetched.status != 404 or url not in roots[:1] or len(roots) > 1:  # no default sitemap is fine
                reading.problems.append((url, f"HTTP {fetched.status}"))
            continue
        try:
            kind, locations = parse_sitemap(_xml_bytes(fetched))
        except (ValueError, OSError, EOFError) as exc:
            reading.problems.append((url, str(exc)))
            continue
        reading.sitemaps_read.append(url)
        if kind == "index":
            queue.extend(loc for loc in locations if loc not in seen)
        else:
            for loc in locations:
                if same_site(loc) and loc not in reading.pages and len(reading.pages) < limit:
                    reading.pages.append(loc)
    return reading
