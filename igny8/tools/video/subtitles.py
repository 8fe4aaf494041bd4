"""Subtitles timed to the speech: each spoken sentence becomes one or more cues (at most two lines of 42
characters), its time shared among them by length; written as SRT (``srt``) and WebVTT (``webvtt-py``)."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import srt
import webvtt

from igny8.tools.video.voice import SpokenSentence

LINE = 42  # characters a line in landscape; portrait frames take 30
LINES_PER_CUE = 2


@dataclass(frozen=True, slots=True)
class Cue:
    start_s: float
    end_s: float
    text: str  # lines joined with "\n"


def cues_for(spoken: list[SpokenSentence], *, line: int = LINE) -> list[Cue]:
    cues = []
    for sentence in spoken:
        lines = textwrap.wrap(sentence.text, line)
        chunks = ["\n".join(lines[i : i + LINES_PER_CUE]) for i in range(0, len(lines), LINES_PER_CUE)]
        total = sum(len(c) for c in chunks) or 1
        start = sentence.start_s
        for chunk in chunks:
            end = start + (sentence.end_s - sentence.start_s) * len(chunk) / total
            cues.append(Cue(round(start, 3), round(end, 3), chunk))
            start = end
    return cues


def _vtt_time(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def write_srt(cues: list[Cue], path: Path) -> None:
    items = [
        srt.Subtitle(index, timedelta(seconds=c.start_s), timedelta(seconds=c.end_s), c.text)
        for index, c in enumerate(cues, start=1)
    ]
    path.write_text(srt.compose(items), encoding="utf-8")


def write_vtt(cues: list[Cue], path: Path) -> None:
    vtt = webvtt.WebVTT()
    for cue in cues:
        vtt.captions.append(webvtt.Caption(_vtt_time(cue.start_s), _vtt_time(cue.end_s), cue.text.split("\n")))
    vtt.save(str(path))
