"""The one interface every network's client offers, and what goes in and comes out of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True, slots=True)
class OutgoingPost:
    text: str
    link: str | None  # where links click: the page's URL
    title: str
    media_url: str | None  # a public URL of the image or video (Instagram and TikTok fetch it)
    media_is_video: bool = False


@dataclass(frozen=True, slots=True)
class PublishedPost:
    remote_id: str
    status: str  # the network's word for it: PUBLISHED, PUBLISH_COMPLETE, ...


class SocialClient(Protocol):
    platform: str

    def publish(self, post: OutgoingPost) -> PublishedPost: ...

    def close(self) -> None: ...
