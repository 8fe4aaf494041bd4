"""A page → a narrated video of a format, with its .srt and .vtt beside it and its VideoObject JSON-LD.

The script is narrated sentence by sentence; the measured length decides whether points are dropped (too
long) or added (too short) until the video fits the format; a page with too little to say holds its last
card in silence up to the format's minimum."""

from __future__ import annotations

import array
import shutil
import tempfile
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from igny8.domain.text import split_sentences
from igny8.tools.video.compose import compose_video
from igny8.tools.video.json_ld import video_object
from igny8.tools.video.script import VideoFormat, VideoScript, build_script
from igny8.tools.video.slides import draw_slide
from igny8.tools.video.subtitles import cues_for, write_srt, write_vtt
from igny8.tools.video.voice import SAMPLE_RATE, SpokenSentence, Voice, narrate

Progress = Callable[[str, float, float], None]
MAX_FITTING_ROUNDS = 12


class VideoDoesNotFit(ValueError):
    """Even the shortest script (hook, one point, call to action) is longer than the format allows."""


@dataclass(frozen=True, slots=True)
class PageForVideo:
    title: str
    slug: str
    html: str
    url: str
    description: str
    picture: str | None  # the page's own image (a raster file), used on the title card


@dataclass(frozen=True, slots=True)
class MadeVideo:
    path: Path
    srt_path: Path
    vtt_path: Path
    thumbnail: Path
    duration_s: float
    width: int
    height: int
    voice: str
    script: VideoScript
    spoken: list[SpokenSentence]
    json_ld: dict[str, Any]

    def record(self, video_format: str) -> dict[str, Any]:
        return {
            "format": video_format,
            "path": str(self.path),
            "srt_path": str(self.srt_path),
            "vtt_path": str(self.vtt_path),
            "duration_s": self.duration_s,
            "width": self.width,
            "height": self.height,
            "voice": self.voice,
            "json_ld": self.json_ld,
        }


class _RememberingVoice:
    """Speaks each distinct sentence once, however many times the fitting loop asks."""

    def __init__(self, voice: Voice) -> None:
        self.voice, self.name, self.said = voice, voice.name, {}

    def speak(self, text: str) -> array.array:
        if text not in self.said:
            self.said[text] = self.voice.speak(text)
        return self.said[text]


def _sentences(script: VideoScript) -> list[tuple[int, str]]:
    return [(i, s) for i, segment in enumerate(script.segments) for s in split_sentences(segment.narration)]


def _pad_wav(path: Path, seconds: float) -> None:
    with wave.open(str(path)) as wav:
        frames = wav.readframes(wav.getnframes())
    missing = max(0, int(seconds * SAMPLE_RATE) - len(frames) // 2)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(frames + bytes(2 * missing))


def _fitted_narration(
    page: PageForVideo, fmt: VideoFormat, site_name: str, voice: _RememberingVoice, wav: Path, progress: Progress
) -> tuple[VideoScript, list[SpokenSentence], float]:
    extra, last_count = 0, None
    for _ in range(MAX_FITTING_ROUNDS):
        script = build_script(page.title, page.html, site_name=site_name, video_format=fmt, extra_points=extra)
        spoken = narrate(voice, _sentences(script), wav, lambda d, t: progress("voice", d, t))
        duration = spoken[-1].end_s + 0.5
        points = len(script.segments) - 2
        if duration > fmt.max_s and points > 1:
            extra -= 1
        elif duration < fmt.min_s and points != last_count:
            last_count = points
            extra += 1
        else:
            break
    if duration > fmt.max_s:
        raise VideoDoesNotFit(
            f"the narration takes {duration:.0f} s, more than the {fmt.name} format's {fmt.max_s:.0f} s"
        )
    return script, spoken, max(duration, fmt.min_s + 0.5)


def make_video(
    page: PageForVideo,
    fmt: VideoFormat,
    out_dir: Path,
    *,
    voice: Voice,
    site_name: str,
    fps: int,
    public_base_url: str | None = None,
    progress: Progress = lambda step, done, total: None,
) -> MadeVideo:
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{page.slug}-{fmt.name}"
    final = out_dir / f"{stem}.mp4"
    with tempfile.TemporaryDirectory(prefix="igny8-video-") as folder:
        work = Path(folder)
        wav = work / "narration.wav"
        script, spoken, duration = _fitted_narration(page, fmt, site_name, _RememberingVoice(voice), wav, progress)
        _pad_wav(wav, duration)
        starts = [min(s.start_s for s in spoken if s.segment == i) for i in range(len(script.segments))]
        ends = starts[1:] + [duration]
        slides = []
        for i, segment in enumerate(script.segments):
            progress("slides", i + 1, len(script.segments))
            picture = draw_slide(
                segment,
                work / f"slide-{i:02d}.png",
                width=fmt.width,
                height=fmt.height,
                index=i,
                total=len(script.segments) - 2,
                picture=page.picture,
            )
            slides.append((picture, ends[i] - starts[i]))
        cues = cues_for(spoken, line=30 if fmt.height > fmt.width else 42)
        srt_path, vtt_path = out_dir / f"{stem}.srt", out_dir / f"{stem}.vtt"
        write_srt(cues, srt_path)
        write_vtt(cues, vtt_path)
        partial = work / "video.mp4"
        compose_video(
            slides,
            wav,
            srt_path,
            partial,
            width=fmt.width,
            height=fmt.height,
            fps=fps,
            progress=lambda seconds: progress("video", min(seconds, duration), duration),
        )
        thumbnail = out_dir / f"{stem}.png"
        shutil.copyfile(slides[0][0], thumbnail)
        shutil.move(partial, final)  # the finished file appears whole, never half-written
    base = public_base_url.rstrip("/") + "/" if public_base_url else ""
    json_ld = video_object(
        name=page.title,
        description=page.description,
        duration_s=duration,
        content_url=f"{base}{final.name}",
        thumbnail_url=f"{base}{thumbnail.name}",
        transcript=script.narration,
    )
    return MadeVideo(
        final, srt_path, vtt_path, thumbnail, duration, fmt.width, fmt.height, voice.name, script, spoken, json_ld
    )
