"""A WordPress site's taxonomy read over its public REST API, through the crawler's guarded, polite fetcher:
the taxonomies (``/wp-json/wp/v2/taxonomies``), each one's terms and the terms of every post, page or custom
post type item (``/wp-json/wp/v2/<rest_base>?per_page=100&page=N``, paged by ``X-WP-TotalPages``).

Keys follow the theme classes the crawler read before: ``category``, ``tag`` (post_tag), and a custom
taxonomy by its own name. Every answer is untrusted: shapes are checked and a malformed one counts as
"REST unavailable" (the caller falls back to the theme's classes)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx

from igny8.tools.crawl.fetcher import Fetcher, FetchRefused
from igny8.tools.crawl.page_extraction import normalise_url

PER_PAGE = 100
MAX_LIST_PAGES = 500  # 50,000 terms or items per list
_KEYS = {"category": "category", "post_tag": "tag"}
_SLUG_CHARS = set("abcdefghijklmnopqrstuvwxyz0123456789-_%")


class TaxonomyUnavailable(Exception):
    """The REST API did not give the taxonomy (not WordPress, REST turned off, refused, malformed)."""


@dataclass
class WordPressTaxonomy:
    taxonomies: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → name, hierarchical, terms
    terms_by_url: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # item URL → key → slugs
    skipped: list[str] = field(default_factory=list)  # lists REST would not give (needs a login...)
    requests: int = 0

    def summary(self) -> dict[str, Any]:
        return {
            "taxonomies": {key: len(t["terms"]) for key, t in self.taxonomies.items()},
            "items": len(self.terms_by_url),
            "skipped": self.skipped,
        }


class _Reader:
    def __init__(self, fetcher: Fetcher, base_url: str) -> None:
        self.fetcher = fetcher
        self.root = f"{base_url.rstrip('/')}/wp-json/"
        self.requests = 0

    def get(self, route: str, params: dict[str, Any] | None = None) -> tuple[Any, int]:
        """(decoded JSON, total pages); TaxonomyUnavailable when the answer is not a JSON 200."""
        url = self.root + route.lstrip("/") + (f"?{urlencode(params)}" if params else "")
        try:
            fetched = self.fetcher.get(url)
        except FetchRefused as exc:
            raise TaxonomyUnavailable(str(exc)) from None
        except httpx.HTTPError as exc:
            raise TaxonomyUnavailable(f"{url}: {type(exc).__name__}") from None
        finally:
            self.requests += 1
        if fetched.status != 200 or "json" not in fetched.content_type or fetched.truncated:
            raise TaxonomyUnavailable(f"{url} answered HTTP {fetched.status} ({fetched.content_type or 'no type'})")
        try:
            data = json.loads(fetched.text())
        except ValueError:
            raise TaxonomyUnavailable(f"{url} did not answer JSON") from None
        try:
            pages = int(fetched.headers.get("x-wp-totalpages", "1"))
        except ValueError:
            pages = 1
        return data, max(1, min(pages, MAX_LIST_PAGES))

    def get_all(self, route: str, fields: str) -> list[dict[str, Any]]:
        """Every item of a paged collection."""
        items: list[dict[str, Any]] = []
        page, pages = 1, 1
        while page <= pages:
            data, pages = self.get(route, {"per_page": PER_PAGE, "page": page, "_fields": fields})
            if not isinstance(data, list):
                raise TaxonomyUnavailable(f"{route} did not answer a list")
            items.extend(item for item in data if isinstance(item, dict))
            page += 1
        return items


def _route(entry: dict[str, Any]) -> str | None:
    namespace, base = entry.get("rest_namespace") or "wp/v2", entry.get("rest_base")
    if not isinstance(base, str) or not isinstance(namespace, str) or not base or ".." in base + namespace:
        return None
    return f"{namespace}/{base}"


def _slug(value: Any) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= 200 and set(value) <= _SLUG_CHARS else None


def _read_terms(reader: _Reader, declared: dict[str, Any], result: WordPressTaxonomy) -> dict[str, dict[str, str]]:
    """Each taxonomy's terms into ``result``; returns per post type its taxonomy REST fields → keys."""
    by_type: dict[str, dict[str, str]] = {}
    for name, entry in declared.items():
        route = _route(entry) if isinstance(entry, dict) else None
        if _slug(name) is None or route is None:
            continue
        key = _KEYS.get(name, name)
        try:
            terms = reader.get_all(route, "id,slug")
        except TaxonomyUnavailable as exc:
            result.skipped.append(f"taxonomy {name}: {exc}")
            continue
        ids = {t["id"]: t["slug"] for t in terms if isinstance(t.get("id"), int) and _slug(t.get("slug"))}
        result.taxonomies[key] = {
            "name": str(entry.get("name", name))[:200],
            "hierarchical": bool(entry.get("hierarchical")),
            "terms": sorted(set(ids.values())),
            "_ids": ids,
        }
        for post_type in entry.get("types") or []:
            if isinstance(post_type, str):
                by_type.setdefault(post_type, {})[str(entry["rest_base"])] = key
    return by_type


def _read_items(reader: _Reader, route: str, fields: dict[str, str], result: WordPressTaxonomy) -> None:
    """Every item of one post type with its terms, by the item's URL."""
    for item in reader.get_all(route, ",".join(["id", "link", *fields])):
        link = item.get("link")
        if not isinstance(link, str) or not link.startswith(("http://", "https://")):
            continue
        terms = result.terms_by_url.setdefault(normalise_url(link), {})
        for rest_field, key in fields.items():
            ids = result.taxonomies[key]["_ids"]
            slugs = {ids[i] for i in item.get(rest_field) or [] if isinstance(i, int) and i in ids}
            if slugs:
                terms[key] = sorted(slugs | set(terms.get(key, [])))


def read_wordpress_taxonomy(fetcher: Fetcher, base_url: str) -> WordPressTaxonomy:
    """The site's taxonomies, their terms, and each item's terms by its URL. Raises TaxonomyUnavailable when
    the site's REST API does not list its taxonomies; a list it refuses (a login needed) is skipped."""
    reader = _Reader(fetcher, base_url)
    result = WordPressTaxonomy()
    declared, _ = reader.get("wp/v2/taxonomies")
    if not isinstance(declared, dict) or not declared:
        raise TaxonomyUnavailable("wp/v2/taxonomies listed no taxonomies")
    types, _ = reader.get("wp/v2/types")
    if not isinstance(types, dict):
        raise TaxonomyUnavailable("wp/v2/types did not answer an object")
    for post_type, fields in _read_terms(reader, declared, result).items():
        entry = types.get(post_type)
        route = _route(entry) if isinstance(entry, dict) else None
        if route is None:
            continue
        try:
            _read_items(reader, route, fields, result)
        except TaxonomyUnavailable as exc:
            result.skipped.append(f"{post_type} items: {exc}")
    for taxonomy in result.taxonomies.values():
        taxonomy.pop("_ids")
    result.requests = reader.requests
    return result
