"""A scripted fake model for tests and benchmarks, reached through LiteLLM like any other model."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import litellm
from litellm import CustomLLM, ModelResponse
from litellm.types.utils import ImageResponse

PROVIDER = "igny8-fake"
FAKE_MODEL = f"{PROVIDER}/scripted"
FAKE_IMAGE_MODEL = f"{PROVIDER}/image"

# A 1x1 transparent PNG: what the fake image model draws.
TINY_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)

Reply = str | dict[str, Any] | Callable[[list[dict[str, Any]]], str | dict[str, Any]]


@dataclass
class ScriptedModel:
    """Answers from a script: a list of replies used in order, then ``default`` (a reply or a function).

    A dict reply is sent as JSON. ``latency_s`` sleeps per call (for speed-up benchmarks).
    Every request is recorded in ``calls`` (image requests too, with the ``image_prompt``).

    To stand in for a cloud provider: ``hosted=True`` makes the gateway send it what it sends hosted
    providers (the strict schema), and ``refuses`` lists response_format types it answers with a 400
    BadRequestError, the way a provider without structured outputs or JSON mode does. A refused request
    uses no reply and is not recorded in ``calls``; it is counted in ``refused``.
    """

    replies: list[Reply] = field(default_factory=list)
    default: Reply | None = None
    latency_s: float = 0.0
    hosted: bool = False
    refuses: tuple[str, ...] = ()
    calls: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def answer(self, messages: list[dict[str, Any]], optional_params: dict[str, Any]) -> str:
        response_format = optional_params.get("response_format")
        kind = response_format.get("type") if isinstance(response_format, dict) else None
        if kind in self.refuses:
            with self._lock:
                self.refused.append(kind)
            raise litellm.BadRequestError(
                message=f"Invalid parameter: 'response_format' of type '{kind}' is not supported with this model.",
                model=FAKE_MODEL,
                llm_provider=PROVIDER,
            )
        with self._lock:
            self.calls.append({"messages": messages, "params": optional_params})
            reply = self.replies.pop(0) if self.replies else self.default
        if reply is None:
            raise AssertionError("the scripted model ran out of replies")
        if callable(reply):
            reply = reply(messages)
        if self.latency_s:
            time.sleep(self.latency_s)
        return reply if isinstance(reply, str) else json.dumps(reply)


_active: ScriptedModel | None = None


def active_fake() -> ScriptedModel | None:
    return _active


@contextmanager
def override(model: ScriptedModel) -> Iterator[ScriptedModel]:
    """Route every agent role to ``model`` for the duration of the block."""
    global _active
    previous, _active = _active, model
    try:
        yield model
    finally:
        _active = previous


def _count_tokens(text: str) -> int:
    return max(1, len(text.split()))


LOREM_MODEL = f"{PROVIDER}/lorem"
_LOREM = (
    "clear practical guidance helps readers compare options understand costs plan next steps and ask "
    "better questions before they decide what suits their needs budget and timeline"
).split()


def lorem_reply(messages: list[dict[str, Any]], max_tokens: int) -> str:
    """A deterministic stand-in answer derived from the prompt (for runs of the whole pipeline without a model)."""
    seed = int(hashlib.sha256(json.dumps(messages, sort_keys=True).encode()).hexdigest(), 16)
    words = [_LOREM[(seed >> (i % 200)) % len(_LOREM)] for i in range(min(max_tokens, 70))]
    return " ".join(words).capitalize() + "."


class FakeProvider(CustomLLM):
    """``igny8-fake/scripted`` answers from the active ScriptedModel; ``igny8-fake/lorem`` answers anything
    deterministically after ``latency_s`` (a model with fixed latency, for benchmarks and crash tests)."""

    def __init__(self, latency_s: float = 0.0) -> None:
        super().__init__()
        self.latency_s = latency_s

    def completion(self, model: str, messages: list, *args: Any, **kwargs: Any) -> ModelResponse:
        scripted = _active
        optional_params = kwargs.get("optional_params") or {}
        if scripted is None and model.endswith("lorem"):
            if self.latency_s:
                time.sleep(self.latency_s)
            text = lorem_reply(messages, int(optional_params.get("max_tokens") or 64))
        elif scripted is None:
            raise RuntimeError("the fake model was called outside igny8.llm.fake.override()")
        else:
            text = scripted.answer(messages, optional_params)
        prompt_tokens = sum(_count_tokens(str(m.get("content", ""))) for m in messages)
        completion_tokens = _count_tokens(text)
        return ModelResponse(
            model=f"{PROVIDER}/{model}",
            choices=[{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
            usage={
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        )

    async def acompletion(self, model: str, messages: list, *args: Any, **kwargs: Any) -> ModelResponse:
        return self.completion(model, messages, *args, **kwargs)

    def image_generation(self, model: str, prompt: str, *args: Any, **kwargs: Any) -> ImageResponse:
        """``igny8-fake/image``: a tiny PNG, no token usage (like DALL-E), the request recorded."""
        scripted = _active
        if scripted is None:
            raise RuntimeError("the fake image model was called outside igny8.llm.fake.override()")
        with scripted._lock:
            scripted.calls.append({"image_prompt": prompt, "params": kwargs.get("optional_params") or {}})
        return ImageResponse(data=[{"b64_json": base64.b64encode(TINY_PNG).decode()}])

    async def aimage_generation(self, model: str, prompt: str, *args: Any, **kwargs: Any) -> ImageResponse:
        return self.image_generation(model, prompt, *args, **kwargs)
