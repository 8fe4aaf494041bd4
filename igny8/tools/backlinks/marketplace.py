"""One interface for the link marketplaces (the plan names FatGrid and PRNews.io): list publishers, place an
order under an idempotency key, read an order's state. Each client speaks its own API shape (fatgrid.py,
prnews.py) with its base URL in settings, and maps the service's errors onto the ones below."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import httpx

OrderStatus = Literal["ordered", "in_progress", "live", "rejected"]
MAX_PAGES = 50
MAX_RETRY_WAIT_S = 5.0


@dataclass(frozen=True, slots=True)
class Publisher:
    provider: str
    publisher_id: str
    domain: str
    price_usd: float


@dataclass(frozen=True, slots=True)
class OrderState:
    external_id: str
    status: OrderStatus
    live_url: str | None = None


class MarketplaceError(RuntimeError):
    """A marketplace failed; the text says which one and what to do."""


class MarketplaceAuthError(MarketplaceError):
    pass


class MarketplaceRateLimited(MarketplaceError):
    pass


class MarketplaceRefused(MarketplaceError):
    """A request the marketplace will not accept as it is (bad field, not enough funds)."""


class MarketplaceUnavailable(MarketplaceError):
    pass


class Marketplace(Protocol):
    name: str

    def publishers(self, *, topic: str, max_price_usd: float) -> list[Publisher]: ...

    def place_order(self, *, publisher: Publisher, target_url: str, anchor: str, key: str) -> OrderState: ...

    def order_status(self, external_id: str) -> OrderState: ...


def collect_pages(name: str, read_page: Callable[[int], tuple[list[Publisher], bool]]) -> list[Publisher]:
    """Every page of a paged listing: ``read_page(n)`` gives page n's publishers and whether it was the last.
    An answer in another shape than the API's is refused here, with the marketplace named."""
    found: list[Publisher] = []
    for page in range(1, MAX_PAGES + 1):
        try:
            publishers, last = read_page(page)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise MarketplaceError(
                f"{name} answered its publisher list in an unexpected shape ({type(exc).__name__}: {exc})"[:300]
            ) from exc
        found.extend(publishers)
        if last:
            break
    return found


def send(
    client: httpx.Client,
    name: str,
    method: str,
    path: str,
    *,
    error_text: Callable[[Any], str],
    retries: int = 3,
    **kwargs: Any,
) -> Any:
    """One API call with the marketplace's rate limit honoured (429 + Retry-After, a few times), its errors mapped."""
    for attempt in range(retries + 1):
        try:
            response = client.request(method, path, **kwargs)
        except httpx.TimeoutException as exc:
            raise MarketplaceUnavailable(f"{name} did not answer in time; try again later") from exc
        except httpx.HTTPError as exc:
            raise MarketplaceUnavailable(
                f"{name} cannot be reached at {client.base_url}: {type(exc).__name__}"
            ) from exc
        if response.status_code == 429 and attempt < retries:
            wait = response.headers.get("Retry-After", "1")
            time.sleep(min(MAX_RETRY_WAIT_S, float(wait) if wait.replace(".", "", 1).isdigit() else 1.0))
            continue
        break
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.is_success and body is not None:
        return body
    detail = error_text(body) if body is not None else response.text[:200]
    if response.status_code in (401, 403):
        raise MarketplaceAuthError(f"{name} refused the API key ({detail}): check its key setting")
    if response.status_code == 429:
        raise MarketplaceRateLimited(f"{name} is rate limiting: try again later ({detail})")
    if 400 <= response.status_code < 500:
        raise MarketplaceRefused(f"{name} refused the request: {detail}")
    raise MarketplaceUnavailable(f"{name} failed (HTTP {response.status_code}): try again later")
