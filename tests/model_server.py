"""A real OpenAI-compatible model server for tests: llama.cpp (xllamacpp) with the shipped GGUF, listening on
127.0.0.1 and demanding an API key, the same protocol as a vLLM or llama.cpp node on a GPU machine."""

from __future__ import annotations

import gc
import secrets
import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

from igny8.llm.local_provider import shipped_model_path


@dataclass(frozen=True)
class HostedModel:
    base_url: str  # ends in /v1, as IGNY8_MODEL_API_BASE
    api_key: str
    alias: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def openai_compatible_server(alias: str = "tiny-writer", *, start_timeout_s: float = 60.0) -> Iterator[HostedModel]:
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = str(shipped_model_path())
    params.hostnames = ["127.0.0.1"]
    params.port = _free_port()
    params.api_keys = [secrets.token_urlsafe(24)]  # a fresh key per run: nothing to leak, nothing to keep
    params.model_alias = {alias}
    params.n_ctx = 8192
    params.n_parallel = 2
    params.cpuparams.n_threads = 2
    params.cpuparams_batch.n_threads = 2
    params.verbosity = -1
    server = xllamacpp.Server(params)
    model = HostedModel(f"http://127.0.0.1:{params.port}/v1", params.api_keys[0], alias)
    deadline = time.monotonic() + start_timeout_s
    while True:
        try:
            if httpx.get(f"{model.base_url}/models", timeout=5).status_code == 401:
                break  # up, and refusing a request without the key
        except httpx.TransportError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
    try:
        yield model
    finally:
        del server
        gc.collect()  # the server stops listening when its object is collected
