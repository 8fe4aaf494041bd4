"""LinkedIn's Posts API: ``POST /rest/posts`` with the ``LinkedIn-Version`` and Rest.li 2.0 headers; the new
post's URN comes back in the ``x-restli-id`` header (201, empty body)."""

from __future__ import annotations

import httpx

from igny8.tools.social.base import OutgoingPost, PublishedPost
from igny8.tools.social.errors import RetryLater, SocialError
from igny8.tools.social.http import NetworkTransport, json_body, refusal

EXPIRED_CODES = {"EXPIRED_ACCESS_TOKEN", "REVOKED_ACCESS_TOKEN", "INVALID_ACCESS_TOKEN"}


def read_linkedin_error(response: httpx.Response) -> SocialError:
    body = json_body(response)
    code = str(body.get("code") or body.get("serviceErrorCode") or "")
    message = str(body.get("message") or response.reason_phrase)
    return refusal(
        "linkedin", response, message=message, code=code, token_refused=code in EXPIRED_CODES, try_later=False
    )


class LinkedInClient:
    platform = "linkedin"

    def __init__(self, base_url: str, token: str, *, author_urn: str, version: str, timeout_s: float = 30.0) -> None:
        if not author_urn.startswith(("urn:li:person:", "urn:li:organization:")):
            raise ValueError("a LinkedIn author is a URN: urn:li:person:ID or urn:li:organization:ID")
        self.author_urn = author_urn
        self.transport = NetworkTransport(
            "linkedin",
            base_url,
            token,
            read_linkedin_error,
            timeout_s=timeout_s,
            headers={"LinkedIn-Version": version, "X-Restli-Protocol-Version": "2.0.0"},
        )

    def publish(self, post: OutgoingPost) -> PublishedPost:
        payload: dict[str, object] = {
            "author": self.author_urn,
            "commentary": post.text,
            "visibility": "PUBLIC",
            "distribution": {
                "feedDistribution": "MAIN_FEED",
                "targetEntities": [],
                "thirdPartyDistributionChannels": [],
            },
            "lifecycleState": "PUBLISHED",
            "isReshareDisabledByAuthor": False,
        }
        if post.link:
            payload["content"] = {"article": {"source": post.link, "title": post.title[:400]}}
        response = self.transport.send("POST", "/rest/posts", json=payload)
        urn = response.headers.get("x-restli-id")
        if not urn:
            raise RetryLater("LinkedIn answered without the post's id (x-restli-id)", platform="linkedin")
        return PublishedPost(urn, "PUBLISHED")

    def close(self) -> None:
        self.transport.close()
