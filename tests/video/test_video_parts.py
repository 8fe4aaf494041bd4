"""The video creator's parts that need no rendering: the script, subtitle cues and the VideoObject."""

from __future__ import annotations

from igny8.tools.video.json_ld import iso_duration, video_object
from igny8.tools.video.script import FORMATS, WORDS_PER_SECOND, build_script
from igny8.tools.video.subtitles import cues_for
from igny8.tools.video.voice import SpokenSentence
from tests.video.article import SECTIONS, article_html


def test_the_script_is_hook_then_key_points_in_page_order_then_the_call_to_action() -> None:
    script = build_script(
        "Dental Implants in Austin", article_html(), site_name="Bright Smile", video_format=FORMATS["short"]
    )
    kinds = [s.kind for s in script.segments]
    assert kinds[0] == "hook" and kinds[-1] == "cta" and set(kinds[1:-1]) == {"point"}
    headings = [s.heading for s in script.segments[1:-1]]
    assert headings == [h for h, _ in SECTIONS][: len(headings)]
    assert script.segments[0].narration.startswith("Dental Implants in Austin. Dental implants replace")
    words = sum(s.words for s in script.segments)
    assert words <= FORMATS["short"].target_s * WORDS_PER_SECOND + 30  # sized for about a minute


def test_longer_formats_take_more_of_the_page_and_points_can_be_added_or_dropped() -> None:
    html = article_html()
    short = build_script("T", html, site_name="S", video_format=FORMATS["short"])
    long = build_script("T", html, site_name="S", video_format=FORMATS["long"])
    assert long.narration.count(" ") > short.narration.count(" ")
    fewer = build_script("T", html, site_name="S", video_format=FORMATS["short"], extra_points=-2)
    assert len(fewer.segments) == len(short.segments) - 2
    one = build_script("T", html, site_name="S", video_format=FORMATS["short"], extra_points=-50)
    assert len(one.segments) == 3  # never fewer than one point


def test_cues_follow_the_speech_and_split_long_sentences() -> None:
    spoken = [
        SpokenSentence("Short one.", 0, 0.0, 1.0),
        SpokenSentence(
            "A much longer sentence that needs more than two lines of subtitles to be read on a phone "
            "screen comfortably.",
            1,
            1.3,
            7.3,
        ),
    ]
    cues = cues_for(spoken, line=30)
    assert cues[0].start_s == 0.0 and cues[0].end_s == 1.0
    assert len(cues) >= 3 and all(len(line) <= 30 for c in cues for line in c.text.split("\n"))
    assert all(c.text.count("\n") <= 1 for c in cues)
    assert cues[1].start_s == 1.3 and cues[-1].end_s == 7.3
    assert all(a.end_s <= b.start_s + 1e-9 for a, b in zip(cues, cues[1:], strict=False))
    assert " ".join(c.text.replace("\n", " ") for c in cues[1:]) == spoken[1].text


def test_video_object_has_googles_required_properties() -> None:
    assert iso_duration(59.6) == "PT1M0S" and iso_duration(42) == "PT42S" and iso_duration(605) == "PT10M5S"
    ld = video_object(
        name="N",
        description="D",
        duration_s=42,
        content_url="https://x/v.mp4",
        thumbnail_url="https://x/v.png",
        transcript="T",
    )
    assert ld["@type"] == "VideoObject" and {"name", "thumbnailUrl", "uploadDate"} <= ld.keys()
