"""Composition with ffmpeg (Debian's): each slide held for its part of the narration while the frame drifts
slowly across it, the narration as AAC, the subtitles burned in with libass; H.264 in an MP4."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

from igny8.tools.video.slides import MOTION_MARGIN


class FfmpegMissing(RuntimeError):
    """ffmpeg is not installed."""


class CompositionFailed(RuntimeError):
    """ffmpeg refused the job (its last lines of output say why)."""


def ffmpeg_program() -> str:
    program = shutil.which("ffmpeg")
    if program is None:
        raise FfmpegMissing("ffmpeg is not installed: apt-get install ffmpeg (or `make video-deps`)")
    return program


def _escape_filter_path(path: Path) -> str:
    return str(path).replace("\\", "\\\\").replace(":", "\\:").replace("'", "\\'")


def composition_command(
    slides: list[tuple[Path, float]], audio: Path, subtitles: Path, out: Path, *, width: int, height: int, fps: int
) -> list[str]:
    """The ffmpeg command line: slide i for its seconds, drifting left/right in turn, concatenated, captioned."""
    command = [ffmpeg_program(), "-hide_banner", "-nostdin", "-y", "-loglevel", "error", "-progress", "pipe:1"]
    filters = []
    for index, (slide, seconds) in enumerate(slides):
        command += ["-loop", "1", "-framerate", str(fps), "-t", f"{seconds:.3f}", "-i", str(slide)]
        drift = f"(iw-ow)*t/{seconds:.3f}" if index % 2 == 0 else f"(iw-ow)*(1-t/{seconds:.3f})"
        filters.append(f"[{index}:v]crop={width}:{height}:x='{drift}':y='(ih-oh)/2',setsar=1,format=yuv420p[v{index}]")
    command += ["-i", str(audio)]
    joined = "".join(f"[v{i}]" for i in range(len(slides)))
    portrait = height > width
    size, margin = (7, 40) if portrait else (14, 20)  # libass scales from a 288-line script to the frame
    style = f"FontName=DejaVu Sans,FontSize={size},Outline=2,Shadow=0,MarginV={margin},BorderStyle=1"
    filters.append(f"{joined}concat=n={len(slides)}:v=1:a=0[slides]")
    filters.append(f"[slides]subtitles=filename='{_escape_filter_path(subtitles)}':force_style='{style}'[video]")
    command += [
        "-filter_complex",
        ";".join(filters),
        "-map",
        "[video]",
        "-map",
        f"{len(slides)}:a",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-crf",
        "26",
        "-pix_fmt",
        "yuv420p",
        "-r",
        str(fps),
        "-c:a",
        "aac",
        "-b:a",
        "128k",
        "-movflags",
        "+faststart",
        "-shortest",
        str(out),
    ]
    return command


def compose_video(
    slides: list[tuple[Path, float]],
    audio: Path,
    subtitles: Path,
    out: Path,
    *,
    width: int,
    height: int,
    fps: int,
    progress: Callable[[float], None] = lambda seconds: None,
) -> Path:
    """Run ffmpeg; ``progress`` hears how many seconds of video are done."""
    assert MOTION_MARGIN > 1  # the drift needs a slide larger than the frame
    command = composition_command(slides, audio, subtitles, out, width=width, height=height, fps=fps)
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) as process:
        assert process.stdout is not None and process.stderr is not None
        for line in process.stdout:
            key, _, value = line.strip().partition("=")
            if key == "out_time_us" and value.isdigit():
                progress(int(value) / 1_000_000)
        errors = process.stderr.read()
        process.wait()
    if process.returncode != 0 or not out.is_file():
        raise CompositionFailed(f"ffmpeg failed ({process.returncode}): {errors.strip()[-800:]}")
    return out


def probe(path: Path) -> dict:
    """ffprobe's JSON description of a media file (streams and format)."""
    program = shutil.which("ffprobe")
    if program is None:
        raise FfmpegMissing("ffprobe is not installed: apt-get install ffmpeg")
    answer = subprocess.run(
        [program, "-v", "error", "-print_format", "json", "-show_streams", "-show_format", str(path)],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return json.loads(answer.stdout)
