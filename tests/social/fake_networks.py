"""Local stand-ins for the five networks, one HTTP server each on 127.0.0.1 (a random free port), speaking
their API shapes: the paths, the auth (bearer header, or Graph's access_token field), the success bodies and
headers, and each network's own error bodies for an expired token, a rate limit and a bad request.

``network.fail_next`` queues errors for the next publishing calls; ``network.posts`` records what went out."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

VALID = "valid-token"
EXPIRED = "expired-token"


@dataclass
class FakeNetwork:
    name: str
    tokens: set[str] = field(default_factory=lambda: {VALID})
    posts: list[dict[str, Any]] = field(default_factory=list)
    fail_next: list[str] = field(default_factory=list)  # "rate_limit", "server_error", "bad_request", "expired"
    requests: list[tuple[str, str]] = field(default_factory=list)
    containers: dict[str, dict[str, Any]] = field(default_factory=dict)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def next_failure(self) -> str | None:
        with self.lock:
            return self.fail_next.pop(0) if self.fail_next else None


# Each network's error body for: expired token, rate limit, bad request, server error → (status, body, headers)
def _linkedin_error(kind: str) -> tuple[int, dict, dict]:
    return {
        "expired": (
            401,
            {
                "status": 401,
                "serviceErrorCode": 65601,
                "code": "EXPIRED_ACCESS_TOKEN",
                "message": "The token used in the request has expired",
            },
            {},
        ),
        "rate_limit": (429, {"status": 429, "message": "Resource level throttle limit reached"}, {"Retry-After": "0"}),
        "bad_request": (422, {"status": 422, "code": "UNPROCESSABLE_ENTITY", "message": "commentary too long"}, {}),
        "server_error": (500, {"status": 500, "message": "Internal Server Error"}, {}),
    }[kind]


def _x_error(kind: str) -> tuple[int, dict, dict]:
    return {
        "expired": (401, {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"}, {}),
        "rate_limit": (
            429,
            {"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank", "status": 429},
            {"x-rate-limit-remaining": "0", "x-rate-limit-reset": "0"},
        ),
        "bad_request": (
            403,
            {
                "detail": "You are not allowed to create a Tweet with duplicate content.",
                "type": "about:blank",
                "title": "Forbidden",
                "status": 403,
            },
            {},
        ),
        "server_error": (503, {"title": "Service Unavailable", "detail": "Service Unavailable", "status": 503}, {}),
    }[kind]


def _graph_error(kind: str) -> tuple[int, dict, dict]:
    error = {
        "expired": (
            400,
            "Error validating access token: Session has expired on Monday, 07-Dec-26.",
            "OAuthException",
            190,
            463,
        ),
        "rate_limit": (400, "Application request limit reached", "OAuthException", 4, None),
        "bad_request": (400, "(#100) Invalid parameter", "OAuthException", 100, None),
        "server_error": (
            500,
            "An unexpected error has occurred. Please retry your request later.",
            "OAuthException",
            2,
            None,
        ),
    }[kind]
    body = {"error": {"message": error[1], "type": error[2], "code": error[3], "fbtrace_id": "AbCdEf"}}
    if error[4]:
        body["error"]["error_subcode"] = error[4]
    return error[0], body, {}


def _tiktok_error(kind: str) -> tuple[int, dict, dict]:
    code, status, message = {
        "expired": ("access_token_invalid", 401, "The access token is invalid or not found in the request."),
        "rate_limit": ("rate_limit_exceeded", 429, "API rate limit was exceeded."),
        "bad_request": ("invalid_params", 400, "The video_url is not a verified domain."),
        "server_error": ("internal_error", 500, "Something went wrong."),
    }[kind]
    return status, {"data": {}, "error": {"code": code, "message": message, "log_id": "2026120700000000"}}, {}


ERRORS = {
    "linkedin": _linkedin_error,
    "x": _x_error,
    "facebook": _graph_error,
    "instagram": _graph_error,
    "tiktok": _tiktok_error,
}


class NetworkHandler(BaseHTTPRequestHandler):
    network: FakeNetwork  # set per server by a subclass

    def log_message(self, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: dict | None, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, kind: str) -> None:
        self._reply(*ERRORS[self.network.name](kind))

    def _body(self) -> tuple[dict[str, Any], str | None]:
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
        if self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            fields = {k: v[0] for k, v in parse_qs(raw).items()}
            return fields, fields.get("access_token")
        auth = self.headers.get("Authorization", "")
        return (json.loads(raw) if raw else {}), (auth[7:] if auth.startswith("Bearer ") else None)

    def _authorised(self, token: str | None) -> bool:
        if token in self.network.tokens:
            return True
        self._error("expired")
        return False

    def do_GET(self) -> None:  # Instagram's container status
        parts = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        self.network.requests.append(("GET", parts.path))
        if not self._authorised(query.get("access_token")):
            return
        container = parts.path.rsplit("/", 1)[-1]
        if container not in self.network.containers:
            self._error("bad_request")
            return
        self._reply(200, {"status_code": "FINISHED", "id": container})

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        self.network.requests.append(("POST", path))
        body, token = self._body()
        if not self._authorised(token):
            return
        getattr(self, f"_{self.network.name}")(path, body)

    def _publishing(self) -> bool:
        failure = self.network.next_failure()
        if failure:
            self._error(failure)
            return False
        return True

    def _linkedin(self, path: str, body: dict) -> None:
        if (
            path != "/rest/posts"
            or not re.fullmatch(r"\d{6}", self.headers.get("LinkedIn-Version", ""))
            or self.headers.get("X-Restli-Protocol-Version") != "2.0.0"
        ):
            self._error("bad_request")
            return
        if (
            not str(body.get("author", "")).startswith("urn:li:")
            or not body.get("commentary")
            or body.get("lifecycleState") != "PUBLISHED"
            or len(body["commentary"]) > 3000
        ):
            self._error("bad_request")
            return
        if self._publishing():
            urn = f"urn:li:share:{7000 + len(self.network.posts)}"
            self.network.posts.append({"id": urn, **body})
            self._reply(201, None, {"x-restli-id": urn})

    def _x(self, path: str, body: dict) -> None:
        if path != "/2/tweets" or not isinstance(body.get("text"), str):
            self._error("bad_request")
            return
        if self._publishing():
            tweet_id = str(1860000000000000000 + len(self.network.posts))
            self.network.posts.append({"id": tweet_id, **body})
            self._reply(201, {"data": {"id": tweet_id, "edit_history_tweet_ids": [tweet_id], "text": body["text"]}})

    def _facebook(self, path: str, body: dict) -> None:
        match = re.fullmatch(r"/v\d+\.\d+/(\d+)/feed", path)
        if not match or not body.get("message"):
            self._error("bad_request")
            return
        if self._publishing():
            post_id = f"{match.group(1)}_{900 + len(self.network.posts)}"
            self.network.posts.append({"id": post_id, **body})
            self._reply(200, {"id": post_id})

    def _instagram(self, path: str, body: dict) -> None:
        match = re.fullmatch(r"/v\d+\.\d+/(\d+)/(media|media_publish)", path)
        if not match:
            self._error("bad_request")
            return
        if match.group(2) == "media":
            if not (body.get("image_url") or (body.get("media_type") == "REELS" and body.get("video_url"))):
                self._error("bad_request")
                return
            container = str(17_900_000 + len(self.network.containers))
            self.network.containers[container] = body
            self._reply(200, {"id": container})
            return
        if body.get("creation_id") not in self.network.containers:
            self._error("bad_request")
            return
        if self._publishing():
            media_id = str(18_000_000 + len(self.network.posts))
            self.network.posts.append({"id": media_id, **self.network.containers[body["creation_id"]]})
            self._reply(200, {"id": media_id})

    def _tiktok(self, path: str, body: dict) -> None:
        ok = {"code": "ok", "message": "", "log_id": "2026120700000001"}
        if path == "/v2/post/publish/creator_info/query/":
            self._reply(
                200,
                {
                    "data": {
                        "creator_username": "brightsmile",
                        "privacy_level_options": ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"],
                        "max_video_post_duration_sec": 600,
                    },
                    "error": ok,
                },
            )
        elif path in ("/v2/post/publish/video/init/", "/v2/post/publish/content/init/"):
            source = body.get("source_info") or {}
            if source.get("source") != "PULL_FROM_URL" or not (source.get("video_url") or source.get("photo_images")):
                self._error("bad_request")
                return
            if self._publishing():
                publish_id = f"v_pub_url~v2-1.{7000 + len(self.network.posts)}"
                self.network.posts.append({"id": publish_id, **body})
                self._reply(200, {"data": {"publish_id": publish_id}, "error": ok})
        elif path == "/v2/post/publish/status/fetch/":
            self._reply(200, {"data": {"status": "PUBLISH_COMPLETE", "publicaly_available_post_id": [1]}, "error": ok})
        else:
            self._error("bad_request")


@contextmanager
def fake_networks() -> Iterator[dict[str, FakeNetwork]]:
    """The five networks, each on its own 127.0.0.1 port; stopped when the block ends."""
    networks = {name: FakeNetwork(name) for name in ("linkedin", "x", "facebook", "instagram", "tiktok")}
    servers = []
    try:
        for network in networks.values():
            server = ThreadingHTTPServer(("127.0.0.1", 0), type("Handler", (NetworkHandler,), {"network": network}))
            network.url = f"http://127.0.0.1:{server.server_address[1]}"
            threading.Thread(target=server.serve_forever, daemon=True).start()
            servers.append(server)
        yield networks
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()
