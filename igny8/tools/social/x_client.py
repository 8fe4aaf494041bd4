"""X API v2: ``POST /2/tweets`` with a user-context OAuth 2.0 token; ``{"data": {"id", "text"}}`` comes back."""

from __future__ import annotations

import httpx

from igny8.tools.social.base import OutgoingPost, PublishedPost
from igny8.tools.social.errors import RetryLater, SocialError
from igny8.tools.social.http import NetworkTransport, json_body, refusal


def read_x_error(response: httpx.Response) -> SocialError:
    body = json_body(response)
    errors = body.get("errors") if isinstance(body.get("errors"), list) else []
    message = str(body.get("detail") or (errors[0].get("message") if errors else "") or response.reason_phrase)
    code = str(body.get("title") or "")
    return refusal("x", response, message=message, code=code, token_refused=False, try_later=False)


class XClient:
    platform = "x"

    def __init__(self, base_url: str, token: str, *, timeout_s: float = 30.0) -> None:
        self.transport = NetworkTransport("x", base_url, token, read_x_error, timeout_s=timeout_s)

    def publish(self, post: OutgoingPost) -> PublishedPost:
        body = json_body(self.transport.send("POST", "/2/tweets", json={"text": post.text}))
        data = body.get("data") or {}
        if not data.get("id"):
            raise RetryLater("X answered without the post's id", platform="x")
        return PublishedPost(str(data["id"]), "PUBLISHED")

    def close(self) -> None:
        self.transport.close()
