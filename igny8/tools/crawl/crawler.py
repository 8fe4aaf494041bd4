"""The crawl of one site: robots.txt first, then its sitemaps, then same-site links breadth first, within a
page cap, at the polite rate, re-fetching known pages conditionally."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from igny8.tools.crawl.address_guard import AddressRefused
from igny8.tools.crawl.fetcher import Fetched, Fetcher, FetchRefused
from igny8.tools.crawl.page_extraction import ExtractedPage, extract_page, normalise_url, site_host
from igny8.tools.crawl.robots import RobotsRules, read_robots
from igny8.tools.crawl.sitemaps import read_sitemaps

MAX_CRAWL_DELAY_S = 60.0
_NOT_PAGES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".svg", ".pdf", ".zip", ".css", ".js", ".xml", ".mp4", ".ico")


@dataclass(frozen=True)
class KnownPage:
    """What an earlier crawl stored: validators for a conditional GET, and the links to follow on a 304."""

    etag: str | None
    last_modified: str | None
    internal_links: tuple[str, ...] = ()


@dataclass(frozen=True)
class CrawledPage:
    url: str
    status: int
    etag: str | None
    last_modified: str | None
    page: ExtractedPage | None  # None when unchanged (304) or not HTML
    unchanged: bool = False


@dataclass(frozen=True)
class CrawlProgress:
    done: int
    planned: int
    url: str


@dataclass
class CrawlReport:
    start_url: str
    robots: str = ""
    sitemaps: list[str] = field(default_factory=list)
    pages: list[CrawledPage] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (url, why): forbidden addresses
    disallowed: list[str] = field(default_factory=list)  # by robots.txt
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, why): errors, non-HTML, HTTP errors
    requests: int = 0


class CrawlRefused(Exception):
    """The crawl cannot start (the start address is forbidden or not a web address); the text says why."""


def _looks_like_page(url: str) -> bool:
    return not urlsplit(url).path.lower().endswith(_NOT_PAGES)


class SiteCrawler:
    def __init__(self, fetcher: Fetcher, *, max_pages: int, known: dict[str, KnownPage] | None = None) -> None:
        self.fetcher = fetcher
        self.max_pages = max_pages
        self.known = known or {}

    def crawl(self, start_url: str, on_progress: Callable[[CrawlProgress], None] | None = None) -> CrawlReport:
        start = normalise_url(start_url)
        parts = urlsplit(start)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise CrawlRefused(f"{start_url!r} is not a web address such as https://example.com")
        try:
            self.fetcher.policy.check_url(start)
        except AddressRefused as exc:
            raise CrawlRefused(str(exc)) from exc
        host = site_host(start)
        origin = f"{parts.scheme}://{parts.netloc}"
        report = CrawlReport(start_url=start)
        robots = read_robots(self.fetcher, origin)
        report.robots = robots.source
        if robots.crawl_delay:
            self.fetcher.delay_s = max(self.fetcher.delay_s, min(robots.crawl_delay, MAX_CRAWL_DELAY_S))

        def same_site(url: str) -> bool:
            return site_host(url) == host and urlsplit(url).scheme in {"http", "https"}

        sitemap_reading = read_sitemaps(
            robots.sitemaps or [f"{origin}/sitemap.xml"],
            lambda url: self._fetch_quietly(url, report),
            same_site=same_site,
            limit=self.max_pages * 2,
        )
        report.sitemaps = sitemap_reading.sitemaps_read
        report.failed.extend((url, f"sitemap: {why}") for url, why in sitemap_reading.problems)
        queue: deque[str] = deque(dict.fromkeys([normalise_url(u) for u in sitemap_reading.pages] + [start]))
        seen = set(queue)
        while queue and len(report.pages) < self.max_pages:
            url = queue.popleft()
            for link in self._visit(url, robots, report):
                if link not in seen and same_site(link) and _looks_like_page(link):
                    seen.add(link)
                    queue.append(link)
            if on_progress is not None:
                on_progress(CrawlProgress(len(report.pages), min(self.max_pages, len(report.pages) + len(queue)), url))
        report.requests = self.fetcher.requests_made
        return report

    def _fetch_quietly(self, url: str, report: CrawlReport) -> Fetched | None:
        try:
            return self.fetcher.get(url)
        except FetchRefused as exc:
            report.refused.append((url, str(exc)))
        except httpx.HTTPError as exc:
            report.failed.append((url, f"{type(exc).__name__}"))
        return None

    def _visit(self, url: str, robots: RobotsRules, report: CrawlReport) -> list[str]:
        """Fetch one page, record it, and return the links to follow."""
        if not robots.allows(url):
            report.disallowed.append(url)
            return []
        known = self.known.get(url)
        try:
            fetched = self.fetcher.get(
                url, etag=known.etag if known else None, last_modified=known.last_modified if known else None
            )
        except FetchRefused as exc:
            report.refused.append((url, str(exc)))
            return []
        except httpx.HTTPError as exc:
            report.failed.append((url, f"no answer ({type(exc).__name__})"))
            return []
        final = normalise_url(fetched.final_url)
        if fetched.redirects and final != url:
            # The redirect's target is a page of its own (if it is on this site): queue it, record nothing here.
            return [final] if site_host(final) == site_host(url) else []
        if fetched.not_modified and known is not None:
            report.pages.append(CrawledPage(url, 304, known.etag, known.last_modified, None, unchanged=True))
            return list(known.internal_links)
        if fetched.status != 200:
            report.failed.append((url, f"HTTP {fetched.status}"))
            return []
        if not fetched.is_html:
            report.failed.append((url, f"not HTML ({fetched.content_type or 'no content type'})"))
            return []
        page = extract_page(url, fetched.text())
        report.pages.append(CrawledPage(url, 200, fetched.etag, fetched.last_modified, page))
        return page.internal_links
