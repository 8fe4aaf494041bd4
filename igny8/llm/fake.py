"""A scripted fake model for tests and benchmarks, reached through LiteLLM like any other model."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from litellm import CustomLLM, ModelResponse

PROVIDER = "igny8-fake"
FAKE_MODEL = f"{PROVIDER}/scripted"

Reply = str | dict[str, Any] | Callable[[list[dict[str, Any]]], str | dict[str, Any]]


@dataclass
class ScriptedModel:
    """Answers from a script: a list of replies used in order, then ``default`` (a reply or a function).

    A dict reply is sent as JSON. ``latency_s`` sleeps per call (for speed-up benchmarks).
    Every request is recorded in ``calls``.
    """

    replies: list[Reply] = field(default_factory=list)
    default: Reply | None = None
    latency_s: float = 0.0
    calls: list[dict[str, Any]] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def answer(self, messages: list[dict[str, Any]], optional_params: dict[str, Any]) -> str:
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


class FakeProvider(CustomLLM):
    def completion(self, model: str, messages: list, *args: Any, **kwargs: Any) -> ModelResponse:
        scripted = _active
        if scripted is None:
            raise RuntimeError("the fake model was called outside igny8.llm.fake.override()")
        optional_params = kwargs.get("optional_params") or {}
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
