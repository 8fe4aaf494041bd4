"""The Search Console API: ``searchAnalytics.query`` (paged with ``rowLimit``/``startRow``) and URL Inspection
(``urlInspection/index:inspect``). The base URL comes from settings (``IGNY8_GSC_API_BASE``).

A 429 or 5xx is retried with exponential backoff (honouring ``Retry-After``) a few times, then raised for
the caller to keep the work for later. A 401 invalidates the access token once (it may have been revoked
early); a second 401 means the site must reconnect."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import quote

import httpx

from igny8.tools.search_console.errors import (
    BadRequest,
    QuotaExceeded,
    ReconnectNeeded,
    ServiceUnavailable,
    raise_for_api_error,
)
from igny8.tools.search_console.oauth import AccessTokens

log = logging.getLogger(__name__)
MAX_ROW_LIMIT = 25_000  # the API's own ceiling per request


@dataclass(frozen=True, slots=True)
class AnalyticsRow:
    date: date
    page_url: str
    query: str
    clicks: int
    impressions: int
    ctr: float
    position: float


@dataclass(frozen=True, slots=True)
class Inspection:
    page_url: str
    verdict: str
    coverage_state: str | None
    indexing_state: str | None
    page_fetch_state: str | None
    last_crawl_time: datetime | None
    google_canonical: str | None
    user_canonical: str | None
    raw: dict[str, Any]

    @property
    def indexed(self) -> bool:
        return self.verdict == "PASS"


@dataclass(frozen=True, slots=True)
class Backoff:
    attempts: int = 4
    base_s: float = 1.0
    max_s: float = 60.0
    sleep: Callable[[float], None] = time.sleep

    def delay(self, attempt: int, retry_after_s: float | None) -> float:
        if retry_after_s is not None:
            return min(self.max_s, retry_after_s)
        return min(self.max_s, self.base_s * 2**attempt * (1 + random.random() / 4))


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _text(value: Any) -> str | None:
    return value[:2000] if isinstance(value, str) and value else None


def parse_inspection(page_url: str, body: Any) -> Inspection:
    result = body.get("inspectionResult") if isinstance(body, dict) else None
    status = result.get("indexStatusResult") if isinstance(result, dict) else None
    if not isinstance(status, dict):
        raise BadRequest(f"URL Inspection answered without an indexStatusResult for {page_url}")
    verdict = status.get("verdict") if isinstance(status.get("verdict"), str) else "VERDICT_UNSPECIFIED"
    return Inspection(
        page_url=page_url,
        verdict=verdict[:40],
        coverage_state=_text(status.get("coverageState")),
        indexing_state=_text(status.get("indexingState")),
        page_fetch_state=_text(status.get("pageFetchState")),
        last_crawl_time=_parse_time(status.get("lastCrawlTime")),
        google_canonical=_text(status.get("googleCanonical")),
        user_canonical=_text(status.get("userCanonical")),
        raw=result,
    )


def _parse_row(raw: Any) -> AnalyticsRow | None:
    """One row of a ``["date", "page", "query"]`` query; None for a row that does not have that shape."""
    try:
        day, page, query = raw["keys"]
        clicks, impressions = int(raw["clicks"]), int(raw["impressions"])
        ctr, position = float(raw["ctr"]), float(raw["position"])
        parsed_day = date.fromisoformat(day)
    except (KeyError, TypeError, ValueError):
        return None
    if clicks < 0 or impressions < 0 or not isinstance(page, str) or not isinstance(query, str):
        return None
    return AnalyticsRow(parsed_day, page[:2000], query[:500], clicks, impressions, ctr, position)


class SearchConsoleClient:
    def __init__(
        self, *, api_base: str, tokens: AccessTokens, http: httpx.Client, backoff: Backoff | None = None
    ) -> None:
        self._base = api_base.rstrip("/")
        self._tokens = tokens
        self._http = http
        self._backoff = backoff or Backoff()
        self.retries = 0

    def _post(self, path: str, body: dict[str, Any], *, what: str) -> Any:
        reauthorised = False
        attempt = 0
        while True:
            try:
                response = self._http.post(
                    self._base + path, json=body, headers={"Authorization": f"Bearer {self._tokens.token()}"}
                )
                if response.status_code == 401 and not reauthorised:
                    self._tokens.invalidate()
                    reauthorised = True
                    continue
                raise_for_api_error(response, what=what)
            except (QuotaExceeded, ServiceUnavailable, httpx.TransportError) as exc:
                if attempt + 1 >= self._backoff.attempts:
                    if isinstance(exc, httpx.TransportError):
                        raise ServiceUnavailable(f"{what}: cannot reach Search Console at {self._base}") from exc
                    raise
                retry_after = exc.retry_after_s if isinstance(exc, QuotaExceeded) else None
                self._backoff.sleep(self._backoff.delay(attempt, retry_after))
                attempt += 1
                self.retries += 1
                continue
            except ReconnectNeeded:
                raise
            try:
                return response.json()
            except ValueError as exc:
                raise ServiceUnavailable(f"{what}: Search Console answered with something other than JSON") from exc

    def search_analytics(
        self, prop: str, *, start: date, end: date, row_limit: int = MAX_ROW_LIMIT
    ) -> Iterator[AnalyticsRow]:
        """Every row of date × page × query from ``start`` to ``end``, page after page until a short page."""
        row_limit = max(1, min(row_limit, MAX_ROW_LIMIT))
        path = f"/webmasters/v3/sites/{quote(prop, safe='')}/searchAnalytics/query"
        start_row = 0
        while True:
            body = self._post(
                path,
                {
                    "startDate": start.isoformat(),
                    "endDate": end.isoformat(),
                    "dimensions": ["date", "page", "query"],
                    "type": "web",
                    "dataState": "all",
                    "rowLimit": row_limit,
                    "startRow": start_row,
                },
                what="search analytics",
            )
            rows = body.get("rows", []) if isinstance(body, dict) else []
            if not isinstance(rows, list):
                raise BadRequest("search analytics answered rows that are not a list")
            for raw in rows:
                row = _parse_row(raw)
                if row is None:
                    log.warning("skipped a search analytics row of an unexpected shape")
                    continue
                yield row
            if len(rows) < row_limit:
                return
            start_row += len(rows)

    def inspect(self, prop: str, page_url: str) -> Inspection:
        body = self._post(
            "/v1/urlInspection/index:inspect",
            {"inspectionUrl": page_url, "siteUrl": prop, "languageCode": "en-US"},
            what=f"URL Inspection of {page_url}",
        )
        return parse_inspection(page_url, body)
