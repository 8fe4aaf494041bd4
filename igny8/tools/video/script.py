"""A page → a narration script (hook, key points from its sections, call to action) sized to a format.

The formats: short 30–90 s 9:16 (1080×1920), medium 60–180 s 9:16 or 16:9, long 5–15 min 16:9. The script
aims at the middle of the format's range with a spoken rate of ~2.5 words a second; the voice-over then
measures the real duration and the maker drops or adds points to land inside the range."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from igny8.domain.text import split_sentences
from igny8.tools.seo.html_fragment import parse_fragment, text_of

FormatName = Literal["short", "medium", "long"]
WORDS_PER_SECOND = 2.5


@dataclass(frozen=True, slots=True)
class VideoFormat:
    name: FormatName
    min_s: float
    max_s: float
    width: int
    height: int

    @property
    def target_s(self) -> float:
        return (self.min_s + self.max_s) / 2


FORMATS: dict[str, VideoFormat] = {
    "short": VideoFormat("short", 30, 90, 1080, 1920),
    "medium": VideoFormat("medium", 60, 180, 1080, 1920),
    "long": VideoFormat("long", 300, 900, 1920, 1080),
}
LANDSCAPE_MEDIUM = VideoFormat("medium", 60, 180, 1920, 1080)


@dataclass(frozen=True, slots=True)
class Segment:
    """One slide and what is said over it."""

    kind: Literal["hook", "point", "cta"]
    heading: str
    narration: str

    @property
    def words(self) -> int:
        return len(self.narration.split())


@dataclass(frozen=True, slots=True)
class VideoScript:
    title: str
    segments: tuple[Segment, ...]

    @property
    def narration(self) -> str:
        return " ".join(s.narration for s in self.segments)


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def key_points(html: str, *, sentences_per_point: int) -> list[Segment]:
    """One point per section that has a heading and prose: its heading and its first sentences, in order."""
    tree = parse_fragment(html)
    points = []
    for heading in tree.css("h2"):
        title = text_of(heading)
        prose = []
        node = heading.next
        while node is not None and node.tag != "h2":
            if node.tag == "p":  # prose; lists (a table of contents, specs) do not read aloud well
                prose.append(text_of(node))
            node = node.next
        sentences = [s for s in split_sentences(_clean(" ".join(prose))) if 4 <= len(s.split()) <= 40]
        if title and sentences:
            points.append(Segment("point", title, " ".join(sentences[:sentences_per_point])))
    return points


def lead_sentence(html: str, title: str) -> str:
    tree = parse_fragment(html)
    for paragraph in tree.css("p"):
        sentences = [s for s in split_sentences(text_of(paragraph)) if 5 <= len(s.split()) <= 30]
        if sentences:
            return sentences[0]
    return f"Here is what you need to know about {title.lower()}."


def build_script(
    title: str, html: str, *, site_name: str, video_format: VideoFormat, extra_points: int = 0
) -> VideoScript:
    """The script for ``video_format``: the hook, as many key points as the format's target length allows
    (``extra_points`` more or fewer after a measured voice-over), and the call to action."""
    per_point = 1 if video_format.name == "short" else 2 if video_format.name == "medium" else 4
    hook = Segment("hook", title, f"{title}. {lead_sentence(html, title)}")
    cta = Segment("cta", site_name, f"Read the whole guide on {site_name}. The link is below.")
    budget = video_format.target_s * WORDS_PER_SECOND - hook.words - cta.words
    points = key_points(html, sentences_per_point=per_point)
    chosen: list[Segment] = []
    for point in points:
        if sum(p.words for p in chosen) + point.words > budget and chosen:
            break
        chosen.append(point)
    count = max(1, min(len(points), len(chosen) + extra_points)) if points else 0
    return VideoScript(title, (hook, *points[:count], cta))
