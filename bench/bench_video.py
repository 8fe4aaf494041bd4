"""Time to make a short video (30–90 s, 1080×1920) on this machine, as a ratio to the video's own duration
(the baseline, measured by ffprobe in the same process): 1.0 means a minute of video takes a minute to make.
Also the voice-over alone (Piper's real-time factor, and espeak-ng's as the fallback's baseline), and the CPU
seconds used, which do not depend on what else the shared cores are doing.
Run: .venv/bin/python bench/bench_video.py
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the test article lives in tests/

from igny8.domain.text import split_sentences  # noqa: E402
from igny8.tools.video.compose import probe  # noqa: E402
from igny8.tools.video.maker import PageForVideo, make_video  # noqa: E402
from igny8.tools.video.script import FORMATS, build_script  # noqa: E402
from igny8.tools.video.voice import SAMPLE_RATE, EspeakSpeaker, PiperSpeaker  # noqa: E402
from tests.video.article import article_html  # noqa: E402


def cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def voice_speed(voice: PiperSpeaker | EspeakSpeaker, sentences: list[str]) -> tuple[float, float]:
    """(seconds of speech, seconds it took)."""
    start = time.perf_counter()
    samples = sum(len(voice.speak(s)) for s in sentences)
    return samples / SAMPLE_RATE, time.perf_counter() - start


def main() -> None:
    html = article_html()
    script = build_script("Dental Implants in Austin", html, site_name="Bright Smile", video_format=FORMATS["short"])
    sentences = [s for seg in script.segments for s in split_sentences(seg.narration)]
    piper = PiperSpeaker()
    piper.speak("Warm up.")  # the model's first run pays for loading, which a video pays once
    piper_audio, piper_s = voice_speed(piper, sentences)
    espeak_audio, espeak_s = voice_speed(EspeakSpeaker(), sentences)
    print(
        f"voice-over  piper: {piper_audio:.1f} s of speech in {piper_s:.1f} s ({piper_audio / piper_s:.1f}× real time)"
    )
    print(
        f"voice-over  espeak-ng: {espeak_audio:.1f} s of speech in {espeak_s:.1f} s "
        f"({espeak_audio / espeak_s:.1f}× real time)"
    )

    page = PageForVideo("Dental Implants in Austin", "dental-implants", html, "https://example.com/", "Implants", None)
    with tempfile.TemporaryDirectory(prefix="igny8-bench-video-") as folder:
        cpu_before, start = cpu_seconds(), time.perf_counter()
        made = make_video(page, FORMATS["short"], Path(folder), voice=piper, site_name="Bright Smile", fps=24)
        wall, cpu = time.perf_counter() - start, cpu_seconds() - cpu_before
        info = probe(made.path)
    duration = float(info["format"]["duration"])
    streams = {s["codec_type"]: s for s in info["streams"]}
    assert (streams["video"]["width"], streams["video"]["height"]) == (1080, 1920) and "audio" in streams
    assert 30 <= duration <= 90, duration
    print(f"short video: {duration:.1f} s long, made in {wall:.1f} s wall ({cpu:.1f} s CPU)")
    print(f"ratio (time to make / video duration): wall {wall / duration:.2f}, CPU {cpu / duration:.2f}")


if __name__ == "__main__":
    main()
