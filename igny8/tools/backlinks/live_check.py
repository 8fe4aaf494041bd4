"""Is a bought link really there? The publisher's page is fetched under the crawler's safety rules (public
addresses only unless allowed, redirects checked hop by hop, a size limit) and read for an ``<a href>`` to the
target, with its anchor text and rel attribute."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser

from igny8.tools.crawl.address_guard import AddressPolicy, AddressRefused
from igny8.tools.crawl.fetcher import Fetcher, FetchRefused


@dataclass(frozen=True, slots=True)
class LinkCheck:
    found: bool
    problem: str | None = None
    anchor: str | None = None
    rel: str | None = None


def _same_target(href: str, target: str) -> bool:
    a, b = urlsplit(href), urlsplit(target)
    return a.netloc.lower().removeprefix("www.") == b.netloc.lower().removeprefix("www.") and (
        a.path.rstrip("/") == b.path.rstrip("/")
    )


def find_link(html: str, *, page_url: str, target_url: str) -> LinkCheck:
    for node in LexborHTMLParser(html).css("a[href]"):
        href = urljoin(page_url, node.attributes.get("href") or "")
        if _same_target(href, target_url):
            rel = (node.attributes.get("rel") or "").lower() or None
            return LinkCheck(True, None, " ".join(node.text().split()), rel)
    return LinkCheck(False, f"no link to {target_url} on the page")


def verify_live_link(
    live_url: str, *, target_url: str, policy: AddressPolicy, user_agent: str, timeout_s: float = 15.0
) -> LinkCheck:
    try:
        with Fetcher(policy=policy, user_agent=user_agent, delay_s=0.0, timeout_s=timeout_s) as fetcher:
            page = fetcher.get(live_url)
    except (AddressRefused, FetchRefused) as exc:
        return LinkCheck(False, str(exc))
    except Exception as exc:  # noqa: BLE001 - any network failure is "not verified yet", said plainly
        return LinkCheck(False, f"the page could not be fetched ({type(exc).__name__})")
    if page.status != 200:
        return LinkCheck(False, f"the page answered HTTP {page.status}")
    if not page.is_html:
        return LinkCheck(False, f"the page is not HTML ({page.content_type})")
    return find_link(page.text(), page_url=page.final_url, target_url=target_url)
