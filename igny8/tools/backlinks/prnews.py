"""PRNews.io's API: ``Authorization: Bearer`` key; every answer ``{"success": bool, "data": ..., "error": ...}``;
sites as ``GET /sites`` pages (``data.items`` + ``data.pagination.page``/``pages``); ``POST /orders`` carrying our
``client_order_ref`` (the same ref returns the existing order); ``GET /orders/{order_id}``; 402 when the
balance cannot pay."""

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
    "new": "ordered",
    "writing": "in_progress",
    "review": "in_progress",
    "published": "live",
    "declined": "rejected",
}


def _error_text(body: Any) -> str:
    return str(body.get("error") or "no reason given")[:300] if isinstance(body, dict) else "unexpected answer"


class PRNewsClient:
    name = "prnews"

    def __init__(self, *, base_url: str, api_key: str, timeout_s: float = 30.0) -> None:
        self._client = httpx.Client(
            base_url=base_url.rstrip("/"),
            timeout=timeout_s,
            headers={"Authorization": f"Bearer {api_key}", "Accept": "application/json"},
        )

    def close(self) -> None:
        self._client.close()

    def _data(self, method: str, path: str, **kwargs: Any) -> Any:
        body = send(self._client, "PRNews.io", method, path, error_text=_error_text, **kwargs)
        if not isinstance(body, dict) or not body.get("success") or "data" not in body:
            raise MarketplaceError(f"PRNews.io answered without success: {_error_text(body)}")
        return body["data"]

    def publishers(self, *, topic: str, max_price_usd: float) -> list[Publisher]:
        def read_page(page: int) -> tuple[list[Publisher], bool]:
            data = self._data("GET", "/sites", params={"page": page, "limit": 50, "topic": topic})
            publishers = [
                Publisher(self.name, str(item["site_id"]), str(item["url"]).split("://", 1)[-1].strip("/"), price)
                for item in data.get("items", [])
                if (price := float(item["price_usd"])) <= max_price_usd
            ]
            pagination = data.get("pagination") or {}
            return publishers, int(pagination.get("page", page)) >= int(pagination.get("pages", page))

        return collect_pages("PRNews.io", read_page)

    def _state(self, data: Any) -> OrderState:
        if not isinstance(data, dict) or "order_id" not in data or data.get("state") not in _STATUS:
            raise MarketplaceError(f"PRNews.io answered an order in an unexpected shape: {str(data)[:200]}")
        return OrderState(str(data["order_id"]), _STATUS[data["state"]], data.get("publication_url"))

    def place_order(self, *, publisher: Publisher, target_url: str, anchor: str, key: str) -> OrderState:
        data = self._data(
            "POST",
            "/orders",
            json={
                "site_id": int(publisher.publisher_id),
                "client_order_ref": key,
                "link": {"url": target_url, "anchor": anchor},
            },
        )
        return self._state(data)

    def order_status(self, external_id: str) -> OrderState:
        return self._state(self._data("GET", f"/orders/{external_id}"))
