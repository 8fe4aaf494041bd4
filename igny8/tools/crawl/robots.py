"""robots.txt, read with Protego (Google's conventions: wildcards, longest match, Allow, Crawl-delay, Sitemap)."""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from protego import Protego

from igny8.tools.crawl.fetcher import Fetcher

_MAX_ROBOTS_BYTES = 500_000  # Google reads the first 500 KiB


@dataclass(frozen=True)
class RobotsRules:
    """What robots.txt allows our user agent. ``source`` says where the rules came from."""

    parser: Protego | None
    user_agent: str
    source: str
    disallow_all: bool = False

    def allows(self, url: str) -> bool:
        if self.disallow_all:
            return False
        return True if self.parser is None else bool(self.parser.can_fetch(url, self.user_agent))

    @property
    def crawl_delay(self) -> float | None:
        delay = None if self.parser is None else self.parser.crawl_delay(self.user_agent)
        return float(delay) if delay is not None else None

    @property
    def sitemaps(self) -> list[str]:
        return [] if self.parser is None else list(self.parser.sitemaps)


def read_robots(fetcher: Fetcher, origin: str) -> RobotsRules:
    """The rules at ``origin``/robots.txt: none found (4xx) allows everything; a server error or no answer
    disallows everything, as Google does, rather than crawl a site that may be in trouble."""
    url = f"{origin}/robots.txt"
    try:
        fetched = fetcher.get(url)
    except httpx.HTTPError:
        return RobotsRules(None, fetcher.user_agent, f"{url} unreachable: crawl refused", disallow_all=True)
    if fetched.status >= 500:
        return RobotsRules(
            None, fetcher.user_agent, f"{url} answered {fetched.status}: crawl refused", disallow_all=True
        )
    if fetched.status >= 400:
        return RobotsRules(None, fetcher.user_agent, f"{url} answered {fetched.status}: no rules")
    text = fetched.body[:_MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
    return RobotsRules(Protego.parse(text), fetcher.user_agent, url)
