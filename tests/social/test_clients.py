"""The production clients against the local networks: request shapes, video posts, error mapping."""

from __future__ import annotations

import socket

import pytest

from igny8.config import Settings
from igny8.tools.social.base import OutgoingPost
from igny8.tools.social.clients import client_for
from igny8.tools.social.errors import PostRejected, RetryLater, TokenExpired
from tests.social.fake_networks import EXPIRED, VALID, FakeNetwork

VIDEO = OutgoingPost(
    "A new smile in three steps.\n\nLink in bio.\n\n#Smile",
    None,
    "Implants",
    "https://cdn.brightsmile.example/implants-short.mp4",
    media_is_video=True,
)


def _settings(networks: dict[str, FakeNetwork]) -> Settings:
    return Settings(environment="test", **{f"social_{name}_base_url": n.url for name, n in networks.items()})


def test_instagram_publishes_a_reel_after_its_container_is_finished(networks: dict[str, FakeNetwork]) -> None:
    client = client_for(_settings(networks), "instagram", token=VALID, account_ref="17841400000000000")
    published = client.publish(VIDEO)
    client.close()
    assert published.remote_id == networks["instagram"].posts[0]["id"]
    assert networks["instagram"].posts[0]["media_type"] == "REELS"
    paths = [path for _, path in networks["instagram"].requests]
    assert paths[0].endswith("/17841400000000000/media") and paths[-1].endswith("/media_publish")
    assert any(method == "GET" for method, _ in networks["instagram"].requests)  # the container's status


def test_tiktok_pulls_a_video_with_an_allowed_privacy_level(networks: dict[str, FakeNetwork]) -> None:
    client = client_for(_settings(networks), "tiktok", token=VALID, account_ref="me")
    published = client.publish(VIDEO)
    assert published.status == "PUBLISH_COMPLETE"
    sent = networks["tiktok"].posts[0]
    assert sent["source_info"] == {"source": "PULL_FROM_URL", "video_url": VIDEO.media_url}
    assert sent["post_info"]["privacy_level"] == "PUBLIC_TO_EVERYONE"


@pytest.mark.parametrize("platform", ["linkedin", "x", "facebook", "instagram", "tiktok"])
def test_each_networks_refusals_mean_reconnect_retry_or_fix(networks: dict[str, FakeNetwork], platform: str) -> None:
    refs = {"linkedin": "urn:li:person:abc", "facebook": "104857600", "instagram": "17841400000000000"}
    post = OutgoingPost("Hello.", "https://brightsmile.example/a/", "A", "https://cdn.brightsmile.example/a.png")
    settings = _settings(networks)
    with pytest.raises(TokenExpired):
        client_for(settings, platform, token=EXPIRED, account_ref=refs.get(platform, "me")).publish(post)
    client = client_for(settings, platform, token=VALID, account_ref=refs.get(platform, "me"))
    networks[platform].fail_next = ["rate_limit", "server_error", "bad_request"]
    with pytest.raises(RetryLater):
        client.publish(post)
    with pytest.raises(RetryLater):
        client.publish(post)
    with pytest.raises(PostRejected):
        client.publish(post)
    assert client.publish(post).remote_id and len(networks[platform].posts) == 1
    assert VALID not in repr(client) and VALID not in repr(getattr(client, "transport", ""))


def test_an_unreachable_network_is_retried_later() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = Settings(environment="test", social_x_base_url=f"http://127.0.0.1:{port}")
    with pytest.raises(RetryLater, match="cannot reach"):
        client_for(settings, "x", token=VALID, account_ref="me").publish(OutgoingPost("Hi", None, "t", None))


def test_account_references_are_checked() -> None:
    with pytest.raises(ValueError, match="URN"):
        client_for(Settings(environment="test"), "linkedin", token=VALID, account_ref="12345")
    with pytest.raises(ValueError, match="a number"):
        client_for(Settings(environment="test"), "facebook", token=VALID, account_ref="my-page")
