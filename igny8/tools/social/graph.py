"""Meta's Graph API: a Facebook page's feed (``POST /{version}/{page-id}/feed``) and Instagram content
publishing (``POST /{version}/{ig-user-id}/media`` makes a container, ``…/media_publish`` publishes it; a
video container is polled until its ``status_code`` is FINISHED). The token goes as ``access_token``."""

from __future__ import annotations

import time

import httpx

from igny8.tools.social.base import OutgoingPost, PublishedPost
from igny8.tools.social.errors import PostRejected, RetryLater, SocialError
from igny8.tools.social.http import NetworkTransport, json_body, refusal

TOKEN_CODES = {102, 190}  # session or access token invalid / expired
THROTTLE_CODES = {4, 17, 32, 341, 613, 80001, 80002}
TRANSIENT_CODES = {1, 2}


def read_graph_error(response: httpx.Response, platform: str) -> SocialError:
    error = json_body(response).get("error") or {}
    code = int(error.get("code") or 0) if str(error.get("code") or "0").isdigit() else 0
    message = str(error.get("message") or response.reason_phrase)
    return refusal(
        platform,
        response,
        message=message,
        code=str(code),
        token_refused=code in TOKEN_CODES,
        try_later=code in THROTTLE_CODES | TRANSIENT_CODES,
    )


class _GraphClient:
    platform = ""

    def __init__(self, base_url: str, token: str, *, object_id: str, version: str, timeout_s: float = 30.0) -> None:
        if not object_id.isdigit():
            raise ValueError(f"a {self.platform} id is a number, not {object_id!r}")
        self.object_id, self.version, self.token = object_id, version, token
        self.transport = NetworkTransport(
            self.platform,
            base_url,
            token,
            lambda r: read_graph_error(r, self.platform),
            timeout_s=timeout_s,
            bearer=False,
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.object_id!r})"

    def _post(self, edge: str, fields: dict[str, str]) -> dict[str, object]:
        path = f"/{self.version}/{self.object_id}/{edge}"
        return json_body(self.transport.send("POST", path, data={**fields, "access_token": self.token}))

    def close(self) -> None:
        self.transport.close()


class FacebookPageClient(_GraphClient):
    platform = "facebook"

    def publish(self, post: OutgoingPost) -> PublishedPost:
        fields = {"message": post.text}
        if post.link:
            fields["link"] = post.link
        body = self._post("feed", fields)
        if not body.get("id"):
            raise RetryLater("Facebook answered without the post's id", platform="facebook")
        return PublishedPost(str(body["id"]), "PUBLISHED")


class InstagramClient(_GraphClient):
    platform = "instagram"
    poll_s = 2.0
    max_polls = 30

    def _wait_until_finished(self, container: str) -> None:
        for _ in range(self.max_polls):
            body = json_body(
                self.transport.send(
                    "GET", f"/{self.version}/{container}", params={"fields": "status_code", "access_token": self.token}
                )
            )
            status = body.get("status_code")
            if status in ("FINISHED", "PUBLISHED"):
                return
            if status in ("ERROR", "EXPIRED"):
                raise PostRejected(f"the media container {container} ended {status}", platform="instagram")
            time.sleep(self.poll_s)
        raise RetryLater(f"the media container {container} is still processing", platform="instagram")

    def publish(self, post: OutgoingPost) -> PublishedPost:
        if not post.media_url:
            raise PostRejected("Instagram needs an image or a video at a public URL", platform="instagram")
        if post.media_is_video:
            fields = {"media_type": "REELS", "video_url": post.media_url, "caption": post.text}
        else:
            fields = {"image_url": post.media_url, "caption": post.text}
        container = str(self._post("media", fields).get("id") or "")
        if not container:
            raise RetryLater("Instagram answered without a container id", platform="instagram")
        if post.media_is_video:
            self._wait_until_finished(container)
        body = self._post("media_publish", {"creation_id": container})
        if not body.get("id"):
            raise RetryLater("Instagram answered without the media id", platform="instagram")
        return PublishedPost(str(body["id"]), "PUBLISHED")
