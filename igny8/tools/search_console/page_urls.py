"""Our pages' public URLs, and the way back from a URL Google reports to the page's slug."""

from __future__ import annotations

from urllib.parse import urlsplit


def public_url(*, site_url: str, slug: str, wp_link: str | None) -> str:
    """WordPress's own link when the page went out over REST, else the site's URL with ``/slug/``."""
    if wp_link and wp_link.startswith(("http://", "https://")):
        return wp_link
    return f"{site_url.rstrip('/')}/{slug}/"


def slug_of_url(url: str) -> str:
    """The last path segment (``https://x.com/2026/12/veneers/`` → ``veneers``); ``home`` for the root."""
    parts = [p for p in urlsplit(url).path.split("/") if p]
    return parts[-1].lower() if parts else "home"
