"""`igny8 site crawl`: crawl a site's existing pages politely and store what each says (with its embedding).
For a site connected to WordPress (publishing connection or IGNY8 plugin) the pages' taxonomy terms come from
WordPress's REST API; the theme's CSS classes are the fallback when REST is unavailable."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from igny8.config import Settings
from igny8.memory import crawl_repo, plugin_bridges
from igny8.memory.tenancy import get_site
from igny8.memory.wordpress_connections import get_connection
from igny8.services import Services
from igny8.tools.crawl.address_guard import AddressPolicy
from igny8.tools.crawl.crawler import CrawlProgress, CrawlRefused, KnownPage, SiteCrawler
from igny8.tools.crawl.fetcher import Fetcher
from igny8.tools.crawl.page_extraction import ExtractedPage
from igny8.tools.crawl.wordpress_taxonomy import TaxonomyUnavailable, WordPressTaxonomy, read_wordpress_taxonomy

_EMBED_CHARS = 2000


@dataclass(frozen=True)
class CrawlSummary:
    crawl_id: int
    start_url: str
    pages: int
    unchanged: int
    robots: str
    sitemaps: list[str]
    refused: list[dict[str, str]]
    disallowed: list[str]
    failed: list[dict[str, str]]
    requests: int
    taxonomy: dict[str, Any]  # source ("wordpress-rest" or "theme-classes"), why, and what REST listed

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def fetcher_for(settings: Settings) -> Fetcher:
    """A fetcher with the crawl settings (the allow list raises ValueError naming a malformed entry)."""
    try:
        policy = AddressPolicy.from_setting(settings.crawl_allow_private)
    except ValueError as exc:
        raise CrawlRefused(str(exc)) from exc
    return Fetcher(
        policy=policy,
        user_agent=settings.crawl_user_agent,
        delay_s=settings.crawl_delay_s,
        timeout_s=settings.crawl_timeout_s,
        max_bytes=settings.crawl_max_page_bytes,
    )


def page_columns(page: ExtractedPage, status: int, etag: str | None, last_modified: str | None) -> dict[str, Any]:
    return {
        "url": page.url,
        "canonical": page.canonical,
        "status": status,
        "title": page.title,
        "meta_description": page.meta_description,
        "headings": [list(h) for h in page.headings],
        "main_text": page.main_text,
        "word_count": page.word_count,
        "internal_links": page.internal_links,
        "external_links": page.external_links,
        "json_ld": page.json_ld,
        "wp_terms": page.wp_terms,
        "noindex": page.noindex,
        "etag": etag,
        "last_modified": last_modified,
    }


def embedding_text(title: str, headings: list[Any], main_text: str) -> str:
    heading_text = " ".join(str(h[1]) for h in headings[:12])
    return f"{title}. {heading_text}. {main_text[:_EMBED_CHARS]}"


def _wordpress_url(conn: Any, site_id: int) -> str | None:
    """Where the site's WordPress answers, when the site is connected to it (publishing or the plugin)."""
    connection = get_connection(conn, site_id=site_id)
    if connection is not None:
        return connection.base_url
    bridge = plugin_bridges.get_bridge(conn, site_id=site_id)
    return bridge.site_url if bridge is not None else None


def _rest_taxonomy(fetcher: Fetcher, wordpress_url: str | None) -> tuple[WordPressTaxonomy | None, dict[str, Any]]:
    """The taxonomy over REST for a connected site, with the summary's account of where the terms came from."""
    if wordpress_url is None:
        return None, {"source": "theme-classes", "why": "the site is not connected to WordPress"}
    try:
        taxonomy = read_wordpress_taxonomy(fetcher, wordpress_url)
    except TaxonomyUnavailable as exc:
        return None, {"source": "theme-classes", "why": f"WordPress's REST API is unavailable: {exc}"}
    return taxonomy, {"source": "wordpress-rest", "why": f"{wordpress_url}/wp-json/wp/v2", **taxonomy.summary()}


def _terms_of(taxonomy: WordPressTaxonomy, url: str, canonical: str | None) -> dict[str, list[str]]:
    """A page's terms as REST lists them (by its URL, else its canonical); none for a page REST does not list
    (an archive, the home page)."""
    found = taxonomy.terms_by_url.get(url)
    if found is None and canonical:
        found = taxonomy.terms_by_url.get(canonical)
    return found or {}


def crawl_existing_site(
    runtime: Services,
    *,
    account_id: int,
    site_id: int,
    url: str | None = None,
    max_pages: int | None = None,
    on_progress: Callable[[CrawlProgress], None] | None = None,
) -> CrawlSummary:
    """Crawl the site (its stored URL unless ``url``); CrawlRefused says why a crawl cannot start."""
    settings = runtime.settings
    with runtime.database.connection() as conn:
        site = get_site(conn, account_id=account_id, site_id=site_id)
        known = {
            p.url: KnownPage(p.etag, p.last_modified, tuple(p.internal_links))
            for p in crawl_repo.crawled_pages(conn, site_id=site_id)
        }
        wordpress_url = _wordpress_url(conn, site_id)
    start = url or site.url
    if not start:
        raise CrawlRefused(f"site {site_id} has no URL: pass --url https://…")
    limit = max_pages or settings.crawl_max_pages
    if not 1 <= limit <= 50_000:
        raise CrawlRefused("--max-pages must be between 1 and 50000")
    with fetcher_for(settings) as fetcher:
        report = SiteCrawler(fetcher, max_pages=limit, known=known).crawl(start, on_progress)
        wordpress, taxonomy = _rest_taxonomy(fetcher, wordpress_url)
    fresh = [p for p in report.pages if p.page is not None]
    vectors = (
        runtime.embedder.embed(
            [embedding_text(p.page.title, p.page.headings, p.page.main_text) for p in fresh if p.page]
        )
        if fresh
        else []
    )
    with runtime.database.connection() as conn:
        crawl_id = crawl_repo.start_crawl(conn, site_id=site_id, start_url=report.start_url)
        for crawled, vector in zip(fresh, vectors, strict=True):
            assert crawled.page is not None
            columns = page_columns(crawled.page, crawled.status, crawled.etag, crawled.last_modified)
            if wordpress is not None:
                columns["wp_terms"] = _terms_of(wordpress, crawled.page.url, crawled.page.canonical)
            crawl_repo.upsert_crawled_page(conn, site_id=site_id, crawl_id=crawl_id, page=columns, embedding=vector)
        for crawled in report.pages:
            if crawled.unchanged:
                terms = _terms_of(wordpress, crawled.url, None) if wordpress is not None else None
                crawl_repo.touch_unchanged_page(
                    conn, site_id=site_id, url=crawled.url, crawl_id=crawl_id, wp_terms=terms
                )
        summary = CrawlSummary(
            crawl_id=crawl_id,
            start_url=report.start_url,
            pages=len(report.pages),
            unchanged=sum(1 for p in report.pages if p.unchanged),
            robots=report.robots,
            sitemaps=report.sitemaps,
            refused=[{"url": u, "reason": why} for u, why in report.refused],
            disallowed=report.disallowed,
            failed=[{"url": u, "reason": why} for u, why in report.failed],
            requests=report.requests + (wordpress.requests if wordpress is not None else 0),
            taxonomy=taxonomy,
        )
        crawl_repo.finish_crawl(conn, crawl_id=crawl_id, summary=summary.as_dict())
    return summary
