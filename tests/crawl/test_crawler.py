"""The crawler against a static site on 127.0.0.1: robots.txt, sitemap index, same-site links, redirects,
conditional re-fetch, and the address guard (metadata and private addresses refused, and said so)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from igny8.tools.crawl.address_guard import AddressPolicy, AddressRefused, GuardedTransport
from igny8.tools.crawl.crawler import CrawlRefused, KnownPage, SiteCrawler
from igny8.tools.crawl.fetcher import Fetcher
from tests.crawl.static_site import TOPICS, StaticSite, serve_static_site


@pytest.fixture(scope="module")
def static_site() -> Iterator[StaticSite]:
    with serve_static_site() as site:
        yield site


def _fetcher(allow: str = "127.0.0.1", delay_s: float = 0.0) -> Fetcher:
    return Fetcher(AddressPolicy.from_setting(allow), user_agent="IGNY8Bot/test", delay_s=delay_s, timeout_s=5)


def test_crawl_reads_robots_and_sitemaps_first_and_finds_every_page(static_site: StaticSite) -> None:
    static_site.requests.clear()
    with _fetcher() as fetcher:
        report = SiteCrawler(fetcher, max_pages=50).crawl(static_site.url + "/")
    paths = static_site.paths_requested()
    assert paths[:4] == ["/robots.txt", "/sitemap_index.xml", "/page-sitemap.xml", "/post-sitemap.xml"]
    found = {page.url.removeprefix(static_site.url) for page in report.pages}
    assert found == {"/", *TOPICS}
    # robots.txt honoured: the disallowed page was never requested, and the report says so.
    assert "/private/secret/" not in paths
    assert static_site.url + "/private/secret/" in report.disallowed
    # Same-site only: the Facebook link is an external link, never fetched.
    home = next(p for p in report.pages if p.url == static_site.url + "/")
    assert home.page is not None and "https://facebook.com/brightsmile" in home.page.external_links
    assert all(h["User-Agent"] == "IGNY8Bot/test" for _, h in static_site.requests)
    # The PDF is skipped by its extension, the redirect followed to the page it names.
    assert "/brochure.pdf" not in paths and "/old-whitening/" in paths


def test_redirects_to_metadata_and_private_addresses_are_refused_and_reported(static_site: StaticSite) -> None:
    with _fetcher() as fetcher:
        report = SiteCrawler(fetcher, max_pages=50).crawl(static_site.url + "/")
    refused = dict(report.refused)
    cloud = refused[static_site.url + "/cloud/"]
    assert "169.254.169.254" in cloud and "cloud metadata" in cloud and "redirected from" in cloud
    assert (
        "10.1.2.3" in refused[static_site.url + "/intranet/"]
        and "private address" in refused[static_site.url + "/intranet/"]
    )
    assert not any("169.254" in p.url or "10.1.2.3" in p.url for p in report.pages)


def test_without_the_allow_list_a_loopback_site_is_refused(static_site: StaticSite) -> None:
    before = len(static_site.requests)
    with (
        _fetcher(allow="") as fetcher,
        pytest.raises(CrawlRefused, match="loopback address.*IGNY8_CRAWL_ALLOW_PRIVATE"),
    ):
        SiteCrawler(fetcher, max_pages=5).crawl(static_site.url)
    assert len(static_site.requests) == before


def test_the_check_runs_on_the_address_actually_connected_to(static_site: StaticSite) -> None:
    """A name that resolves to a loopback address (as a rebinding DNS answer would) is refused at connect
    time, by the transport itself, even when the caller skips the URL check."""
    client = httpx.Client(transport=GuardedTransport(AddressPolicy.from_setting("")), trust_env=False)
    with client, pytest.raises(AddressRefused, match=r"localhost \(127\.0\.0\.1\): a loopback address"):
        client.get(f"http://localhost:{static_site.port}/")
    allowed = httpx.Client(transport=GuardedTransport(AddressPolicy.from_setting("127.0.0.0/8")), trust_env=False)
    with allowed:
        assert allowed.get(f"http://localhost:{static_site.port}/robots.txt").status_code == 200


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("169.254.169.254", "cloud metadata"),
        ("[fd00:ec2::254]", "cloud metadata"),
        ("224.0.0.1", "reserved"),
        ("10.0.0.5", "private"),
        ("192.168.1.1", "private"),
        ("127.0.0.1", "loopback"),
        ("[::1]", "loopback"),
        ("[::ffff:127.0.0.1]", "loopback"),
        ("169.254.1.1", "link-local"),
        ("0.0.0.0", "unspecified"),  # noqa: S104 - the address under test
    ],
)
def test_forbidden_addresses(address: str, why: str) -> None:
    with pytest.raises(AddressRefused, match=why):
        AddressPolicy.from_setting("").check_url(f"http://{address}/")


def test_a_malformed_allow_list_names_the_entry() -> None:
    with pytest.raises(ValueError, match="'10.0.0.0/99' is not a CIDR"):
        AddressPolicy.from_setting("127.0.0.1, 10.0.0.0/99")


def test_recrawl_is_conditional_and_unchanged_pages_keep_their_links(static_site: StaticSite) -> None:
    with _fetcher() as fetcher:
        first = SiteCrawler(fetcher, max_pages=50).crawl(static_site.url + "/")
    known = {
        p.url: KnownPage(p.etag, p.last_modified, tuple(p.page.internal_links if p.page else ())) for p in first.pages
    }
    static_site.requests.clear()
    with _fetcher() as fetcher:
        second = SiteCrawler(fetcher, max_pages=50, known=known).crawl(static_site.url + "/")
    assert {p.url for p in second.pages} == {p.url for p in first.pages}
    assert all(p.unchanged and p.status == 304 for p in second.pages)
    conditional = {path for path, h in static_site.requests if "If-None-Match" in h}
    assert conditional >= {"/", *TOPICS}


def test_page_cap_and_rate_limit(static_site: StaticSite) -> None:
    import time

    with _fetcher(delay_s=0.05) as fetcher:
        started = time.monotonic()
        report = SiteCrawler(fetcher, max_pages=3).crawl(static_site.url + "/")
        elapsed = time.monotonic() - started
    assert len(report.pages) == 3
    assert elapsed >= 0.05 * (report.requests - 1) if report.requests else True
    assert fetcher.requests_made == report.requests and report.requests >= 3 + 4  # robots, 3 sitemaps, 3 pages
