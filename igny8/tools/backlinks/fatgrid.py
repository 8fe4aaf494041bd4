"""FatGrid's marketplace API: ``X-API-Key`` header; publishers as ``GET /marketplace/domains`` pages
(``data`` + ``meta.current_page``/``meta.last_page``); ``POST /orders`` with an ``Idempotency-Key`` header (the
same key returns the same order); ``GET /orders/{id}``. Errors: ``{"message": ..., "errors": {field: [...]}}``."""

from __future__ import annotations

from typing import Any

import httpx

from igny8.tools.backlinks.marketplace import (
    MarketplaceError,
    OrderState,
    OrderStatus,
    Publisher,
    collect_pages,
    send,
)

_STATUS: dict[str, OrderStatus] = {
    "pending": "ordered",
    "accepted": "in_progress",
    "in_progress": "in_progress",
    "completed": "live",
    "published": "live",
    "rejected": "rejected",
    "cancelled": "rejected",
}


def _error_text(body: Any) -> str:
    if not isinstance(body, dict):
        return "unexpected answer"
    fields = body.get("errors") or {}
    details = "; ".join(f"{k}: {', '.join(map(str, v))}" for k, v in fields.items() if isinstance(v, list))
    return " — ".join(part for part in (str(body.get("message", "")), details) if part)[:300]


class FatGridClient:
    name = "fatgrid"

    def __init__(self, *, base_url: str, api_key: str, timeout_s: float = 30.0) -> None:
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            timeout=timeout_s,
            headers={"X-API-Key": api_key, "Accept": "application/json"},
        )

    def close(self) -> None:
        self._client.close()

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        return send(self._client, "FatGrid", method, path, error_text=_error_text, **kwargs)

    def publishers(self, *, topic: str, max_price_usd: float) -> list[Publisher]:
        def read_page(page: int) -> tuple[list[Publisher], bool]:
            params = {"page": page, "per_page": 50, "category": topic, "max_price": max_price_usd}
            body = self._call("GET", "/marketplace/domains", params=params)
            publishers = [
                Publisher(self.name, str(item["id"]), str(item["domain"]), float(item["price"]["amount"]))
                for item in body.get("data", [])
                if item["price"].get("currency", "USD") == "USD" and float(item["price"]["amount"]) <= max_price_usd
            ]
            meta = body.get("meta") or {}
            return publishers, int(meta.get("current_page", page)) >= int(meta.get("last_page", page))

        return collect_pages("FatGrid", read_page)

    def _state(self, body: Any) -> OrderState:
        data = body.get("data") if isinstance(body, dict) else None
        if not isinstance(data, dict) or "id" not in data or data.get("status") not in _STATUS:
            raise MarketplaceError(f"FatGrid answered an order in an unexpected shape: {str(body)[:200]}")
        return OrderState(str(data["id"]), _STATUS[data["status"]], data.get("live_url"))

    def place_order(self, *, publisher: Publisher, target_url: str, anchor: str, key: str) -> OrderState:
        body = self._call(
            "POST",
            "/orders",
            headers={"Idempotency-Key": key},
            json={
                "domain_id": publisher.publisher_id,
                "type": "guest_post",
                "target_url": target_url,
                "anchor_text": anchor,
            },
        )
        return self._state(body)

    def order_status(self, external_id: str) -> OrderState:
        return self._state(self._call("GET", f"/orders/{external_id}"))
