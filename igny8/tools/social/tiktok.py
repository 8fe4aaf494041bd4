"""TikTok's Content Posting API (direct post): the creator's allowed privacy levels
(``/v2/post/publish/creator_info/query/``), then a video (``/v2/post/publish/video/init/``) or photo post
(``/v2/post/publish/content/init/``) pulled from a public URL, then its status
(``/v2/post/publish/status/fetch/``). Every answer carries ``error.code``, "ok" when it worked."""

from __future__ import annotations

from typing import Any

import httpx

from igny8.tools.social.base import OutgoingPost, PublishedPost
from igny8.tools.social.errors import PostRejected, RetryLater, SocialError
from igny8.tools.social.http import NetworkTransport, json_body, refusal

TOKEN_CODES = {"access_token_invalid", "scope_not_authorized", "token_not_authorized_for_specified_deployment"}
LATER_CODES = {"rate_limit_exceeded", "internal_error", "spam_risk_too_many_posts"}


def read_tiktok_error(response: httpx.Response) -> SocialError:
    error = json_body(response).get("error") or {}
    code = str(error.get("code") or "")
    message = str(error.get("message") or response.reason_phrase)
    return refusal(
        "tiktok", response, message=message, code=code, token_refused=code in TOKEN_CODES, try_later=code in LATER_CODES
    )


class TikTokClient:
    platform = "tiktok"

    def __init__(self, base_url: str, token: str, *, timeout_s: float = 30.0) -> None:
        self.transport = NetworkTransport("tiktok", base_url, token, read_tiktok_error, timeout_s=timeout_s)

    def _call(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        response = self.transport.send("POST", path, json=payload)
        body = json_body(response)
        if (body.get("error") or {}).get("code", "ok") != "ok":
            raise read_tiktok_error(response)
        return body.get("data") or {}

    def publish(self, post: OutgoingPost) -> PublishedPost:
        if not post.media_url:
            raise PostRejected("TikTok needs a video or a photo at a public URL", platform="tiktok")
        options = self._call("/v2/post/publish/creator_info/query/", {}).get("privacy_level_options") or []
        privacy = "PUBLIC_TO_EVERYONE" if "PUBLIC_TO_EVERYONE" in options else (options[0] if options else "SELF_ONLY")
        if post.media_is_video:
            data = self._call(
                "/v2/post/publish/video/init/",
                {
                    "post_info": {"title": post.text, "privacy_level": privacy},
                    "source_info": {"source": "PULL_FROM_URL", "video_url": post.media_url},
                },
            )
        else:
            data = self._call(
                "/v2/post/publish/content/init/",
                {
                    "post_info": {"title": post.title[:90], "description": post.text, "privacy_level": privacy},
                    "source_info": {
                        "source": "PULL_FROM_URL",
                        "photo_cover_index": 0,
                        "photo_images": [post.media_url],
                    },
                    "post_mode": "DIRECT_POST",
                    "media_type": "PHOTO",
                },
            )
        publish_id = str(data.get("publish_id") or "")
        if not publish_id:
            raise RetryLater("TikTok answered without a publish_id", platform="tiktok")
        status = self._call("/v2/post/publish/status/fetch/", {"publish_id": publish_id}).get("status", "PROCESSING")
        if status == "FAILED":
            raise PostRejected(f"TikTok could not publish {publish_id}", platform="tiktok")
        return PublishedPost(publish_id, str(status))

    def close(self) -> None:
        self.transport.close()
