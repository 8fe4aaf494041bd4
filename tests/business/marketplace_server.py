"""Local stand-ins for the link marketplaces, on 127.0.0.1 with a random free port, speaking each API's shape:

* FatGrid: ``X-API-Key``; ``GET /marketplace/domains`` pages (``data``, ``meta.current_page``/``last_page``);
  ``POST /orders`` honouring ``Idempotency-Key``; ``GET /orders/{id}``; errors ``{"message", "errors"}``;
  429 with ``Retry-After`` when asked to rate limit.
* PRNews.io: ``Authorization: Bearer``; ``{"success", "data", "error"}`` envelopes; ``GET /sites`` pages
  (``data.items``, ``data.pagination``); ``POST /orders`` keyed by ``client_order_ref``; 402 without funds.

Each server also hosts its publishers' article pages (``/articles/{order}``), which carry the bought link once
the test marks the order published, so the live-link check fetches a real page."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class MarketState:
    kind: str  # "fatgrid" or "prnews"
    api_key: str
    publishers: list[dict[str, Any]]
    page_size: int = 2
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    by_key: dict[str, str] = field(default_factory=dict)
    posts: Counter[str] = field(default_factory=Counter)  # idempotency key -> POST /orders received
    rate_limit_next: int = 0
    funds_usd: float = 10_000.0
    base_url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def publish(self, order_id: str, *, with_link: bool = True) -> None:
        """The publisher put the article live (``with_link=False``: live, but the link is missing)."""
        with self.lock:
            order = self.orders[order_id]
            order["status"] = "completed" if self.kind == "fatgrid" else "published"
            order["live_url"] = f"{self.base_url}/articles/{order_id}"
            order["with_link"] = with_link


class _Handler(BaseHTTPRequestHandler):
    state: MarketState

    def log_message(self, *args: Any) -> None:  # quiet
        pass

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None, html: bool = False) -> None:
        data = body.encode() if html else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8" if html else "application/json")
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, message: str, fields: dict[str, list[str]] | None = None) -> None:
        if self.state.kind == "fatgrid":
            self._send(status, {"message": message, "errors": fields or {}})
        else:
            self._send(status, {"success": False, "data": None, "error": message})

    def _authorised(self) -> bool:
        if self.state.kind == "fatgrid":
            return self.headers.get("X-API-Key") == self.state.api_key
        return self.headers.get("Authorization") == f"Bearer {self.state.api_key}"

    def _ok(self, data: Any, status: int = 200) -> None:
        self._send(
            status, {"success": True, "data": data, "error": None} if self.state.kind == "prnews" else {"data": data}
        )

    def _order_view(self, order: dict[str, Any]) -> dict[str, Any]:
        if self.state.kind == "fatgrid":
            return {"id": order["id"], "status": order["status"], "live_url": order.get("live_url")}
        return {"order_id": order["id"], "state": order["status"], "publication_url": order.get("live_url")}

    def do_GET(self) -> None:  # noqa: N802
        url = urlsplit(self.path)
        if url.path.startswith("/articles/"):
            order = self.state.orders.get(url.path.rsplit("/", 1)[-1])
            if order is None or not order.get("live_url"):
                self._send(404, "<h1>Not found</h1>", html=True)
                return
            link = (
                f'<a href="{escape(order["target_url"])}">{escape(order["anchor"])}</a>' if order["with_link"] else ""
            )
            self._send(
                200,
                f"<html><body><article><p>Good dental care matters. {link} Read on.</p></article></body></html>",
                html=True,
            )
            return
        if not self._authorised():
            self._error(401, "Unauthenticated.")
            return
        query = parse_qs(url.query)
        if url.path in ("/marketplace/domains", "/sites"):
            with self.state.lock:
                if self.state.rate_limit_next > 0:
                    self.state.rate_limit_next -= 1
                    body = (
                        {"message": "Too Many Attempts."}
                        if self.state.kind == "fatgrid"
                        else {"success": False, "data": None, "error": "rate limit exceeded"}
                    )
                    self._send(429, body, {"Retry-After": "0"})
                    return
            page = int(query.get("page", ["1"])[0])
            size = self.state.page_size
            pages = max(1, -(-len(self.state.publishers) // size))
            chunk = self.state.publishers[(page - 1) * size : page * size]
            if self.state.kind == "fatgrid":
                items = [
                    {"id": p["id"], "domain": p["domain"], "price": {"amount": f"{p['price']:.2f}", "currency": "USD"},
                     "dr": 50, "categories": ["health"]}
                    for p in chunk
                ]  # fmt: skip
                self._send(
                    200,
                    {
                        "data": items,
                        "meta": {"current_page": page, "last_page": pages, "total": len(self.state.publishers)},
                    },
                )
            else:
                items = [
                    {
                        "site_id": int(p["id"]),
                        "url": f"https://{p['domain']}",
                        "price_usd": p["price"],
                        "topics": ["health"],
                    }
                    for p in chunk
                ]
                self._ok({"items": items, "pagination": {"page": page, "pages": pages}})
            return
        if url.path.startswith("/orders/"):
            order = self.state.orders.get(url.path.rsplit("/", 1)[-1])
            if order is None:
                self._error(404, "Order not found.")
                return
            self._ok(self._order_view(order))
            return
        self._error(404, "Not found.")

    def do_POST(self) -> None:  # noqa: N802
        if not self._authorised():
            self._error(401, "Unauthenticated.")
            return
        if urlsplit(self.path).path != "/orders":
            self._error(404, "Not found.")
            return
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"{}")
        if self.state.kind == "fatgrid":
            key = self.headers.get("Idempotency-Key")
            publisher, target, anchor = body.get("domain_id"), body.get("target_url"), body.get("anchor_text")
        else:
            key = body.get("client_order_ref")
            link = body.get("link") or {}
            publisher, target, anchor = str(body.get("site_id")), link.get("url"), link.get("anchor")
        if not key or not target or not anchor:
            self._error(
                422 if self.state.kind == "fatgrid" else 400,
                "The given data was invalid.",
                {"target_url": ["required"]},
            )
            return
        with self.state.lock:
            self.state.posts[key] += 1
            if key in self.state.by_key:  # the same key: the same order, nothing bought twice
                self._ok(self._order_view(self.state.orders[self.state.by_key[key]]))
                return
            price = next((p["price"] for p in self.state.publishers if str(p["id"]) == str(publisher)), None)
            if price is None:
                self._error(
                    422 if self.state.kind == "fatgrid" else 400, "Unknown publisher.", {"domain_id": ["invalid"]}
                )
                return
            if price > self.state.funds_usd:
                self._error(402, "Insufficient balance.")
                return
            self.state.funds_usd -= price
            order_id = f"{self.state.kind[:2]}{len(self.state.orders) + 1}"
            self.state.orders[order_id] = {
                "id": order_id, "status": "pending" if self.state.kind == "fatgrid" else "new",
                "target_url": target, "anchor": anchor, "with_link": True,
            }  # fmt: skip
            self.state.by_key[key] = order_id
            self._ok(self._order_view(self.state.orders[order_id]), status=201)


@contextmanager
def marketplace_server(state: MarketState) -> Iterator[MarketState]:
    handler = type("Handler", (_Handler,), {"state": state})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    state.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
