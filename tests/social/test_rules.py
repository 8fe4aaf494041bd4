"""Each network's rules: X's weighted length, LinkedIn's hook, link handling, hashtags and media."""

from __future__ import annotations

import pytest

from igny8.tools.social.rules import ComposedPost, PostDraft, compose_post, normalise_hashtag, rule_violations
from igny8.tools.social.schedule import MIN_POSTS_TO_LEARN, best_hour, next_slot
from igny8.tools.social.x_length import weighted_length

URL = "https://brightsmile.example/dental-implants-cost-and-recovery-in-austin-texas/?utm_source=x"


def test_x_counts_a_url_as_23_whatever_its_length() -> None:
    assert weighted_length(URL) == 23
    assert weighted_length(f"Read this: {URL}.") == len("Read this: ") + 23 + 1
    assert weighted_length("see www.example.com now") == len("see ") + 23 + len(" now")


def test_x_counts_cjk_and_emoji_double() -> None:
    assert weighted_length("abc") == 3
    assert weighted_length("日本語") == 6
    assert weighted_length("👍") == 2
    assert weighted_length("👍🏽") == 2  # a skin-tone modifier does not add
    assert weighted_length("👨‍👩‍👧") == 2  # nor do zero-width-joined people
    assert weighted_length("cafe\u0301") == 4  # NFC: é is one code point


def test_an_x_post_over_280_is_refused_and_a_long_url_does_not_count_its_length() -> None:
    hook = "x" * 250
    fits = compose_post("x", PostDraft(hook, "", ()), url=URL, media=None)
    assert weighted_length(fits.text) == 250 + 2 + 23
    assert rule_violations(fits) == []
    over = compose_post("x", PostDraft("y" * 260, "", ()), url=URL, media=None)
    problems = rule_violations(over)
    assert len(problems) == 1 and "285" in problems[0] and "280" in problems[0]


def test_linkedin_needs_the_hook_in_the_first_210_characters_and_at_most_3000() -> None:
    good = compose_post(
        "linkedin",
        PostDraft("Missing a tooth? Implants fix it for good.", "Body. " * 50, ("DentalImplants",)),
        url=URL,
        media=None,
    )
    assert rule_violations(good) == []
    assert good.link == URL and URL in good.text
    long_hook = compose_post("linkedin", PostDraft("word " * 60 + "end.", "Body.", ("Teeth",)), url=URL, media=None)
    assert any("hook" in p and "210" in p for p in rule_violations(long_hook))
    too_long = compose_post("linkedin", PostDraft("Short hook.", "b" * 3100, ("Teeth",)), url=URL, media=None)
    assert any("limit is 3000" in p for p in rule_violations(too_long))


@pytest.mark.parametrize("platform", ["instagram", "tiktok"])
def test_instagram_and_tiktok_put_the_link_in_bio_and_need_media(platform: str) -> None:
    draft = PostDraft("Your smile, rebuilt.", "Three things to know.", ("Smile", "Teeth", "Dentist"))
    post = compose_post(platform, draft, url=URL, media="https://cdn.example/v.mp4")
    assert URL not in post.text and "Link in bio." in post.text and post.link is None
    assert rule_violations(post) == []
    without_media = compose_post(platform, draft, url=URL, media=None)
    assert any("needs an image or a video" in p for p in rule_violations(without_media))
    pasted = ComposedPost(platform, post.text + f" {URL}", None, "https://cdn.example/v.mp4")  # type: ignore[arg-type]
    assert any("links do not click" in p for p in rule_violations(pasted))


def test_hashtags_are_normalised_counted_and_checked() -> None:
    assert normalise_hashtag("dental implants") == "#DentalImplants"
    assert normalise_hashtag("#already_ok") == "#Already_ok"
    assert normalise_hashtag("!!!") == ""
    many = compose_post("x", PostDraft("Hook.", "", ("a1", "b2", "c3")), url=URL, media=None)
    assert any("at most 2" in p for p in rule_violations(many))
    numeric = ComposedPost("facebook", "Hello #2024", URL, None)
    assert any("need a letter" in p for p in rule_violations(numeric))


def test_the_best_hour_is_the_default_until_the_account_has_its_own_data() -> None:
    assert best_hour("x", {}) == 12
    few = {18: (90.0, MIN_POSTS_TO_LEARN - 1)}
    assert best_hour("x", few) == 12
    learned = {9: (10.0, 3), 18: (90.0, 3)}
    assert best_hour("x", learned) == 18


def test_slots_fall_on_the_networks_days_and_never_twice() -> None:
    from datetime import UTC, datetime

    monday = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    first = next_slot("linkedin", now=monday, taken=[], engagement_by_hour={})
    assert first == datetime(2026, 12, 8, 9, 0, tzinfo=UTC)  # Tuesday 09:00
    second = next_slot("linkedin", now=monday, taken=[first], engagement_by_hour={})
    assert second == datetime(2026, 12, 9, 9, 0, tzinfo=UTC)
