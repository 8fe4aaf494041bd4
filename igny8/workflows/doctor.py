"""`igny8 doctor`: what runs where, and what to fix when a part is missing."""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass

from igny8.config import AGENT_ROLES, Settings


@dataclass(frozen=True, slots=True)
class Check:
    part: str
    ok: bool
    detail: str


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def check_database(settings: Settings) -> Check:
    from igny8.memory.database import Database, DatabaseUnavailable

    try:
        database = Database.open(settings)
        versions = database.server_versions()
        database.close()
    except DatabaseUnavailable as exc:
        return Check("database", False, str(exc))
    where = "embedded, under " + str(settings.data_dir / "postgres") if database.embedded else "external server"
    if not versions["pgvector"]:
        return Check("database", False, "pgvector is not installed on the server: install it, or use the embedded one")
    return Check("database", True, f"PostgreSQL {versions['postgres']} + pgvector {versions['pgvector']} ({where})")


def check_models(settings: Settings, *, probe: bool) -> list[Check]:
    from igny8.llm import local_provider
    from igny8.llm.gateway import ModelGateway
    from igny8.llm.providers import provider_of

    checks = []
    roles_by_model: dict[str, list[str]] = {}
    for role in AGENT_ROLES:
        roles_by_model.setdefault(settings.model_for(role), []).append(role)
    for model, roles in roles_by_model.items():
        provider = provider_of(model)
        if provider == local_provider.PROVIDER:
            try:
                name = model.split("/", 1)[1] if model.split("/", 1)[1] in local_provider.SHIPPED_MODELS else None
                path = settings.local_model_path or local_provider.shipped_model_path(
                    name or settings.local_model, settings.data_dir / "models"
                )
                detail = f"{model} — embedded llama.cpp (xllamacpp {_version('xllamacpp')}), {path.name}"
                ok = path.is_file()
                if not ok:
                    detail = f"{path} not found: set IGNY8_LOCAL_MODEL_PATH to a GGUF file"
            except local_provider.LocalModelMissing as exc:
                ok, detail = False, str(exc)
        else:
            ok = True
            detail = f"{model} — through LiteLLM provider {provider!r}"
            if settings.model_api_key is None and provider not in {"ollama", "ollama_chat", "hosted_vllm"}:
                detail += " (no IGNY8_MODEL_API_KEY set: the provider's own environment variable must hold the key)"
        checks.append(Check("model: " + ", ".join(roles), ok, detail))
    if probe and all(c.ok for c in checks):
        gateway = ModelGateway(settings)
        try:
            answer = gateway.complete(
                "architect", [{"role": "user", "content": "Say OK."}], operation="chat", max_tokens=4
            )
            checks.append(Check("model probe", True, f"{answer.model} answered ({answer.completion_tokens} tokens)"))
        except Exception as exc:  # any provider error is reported, not raised
            checks.append(Check("model probe", False, f"the architect model did not answer: {exc}"))
    return checks


def check_embedder(settings: Settings) -> Check:
    from igny8.llm.embedder import EmbedderMissing, embedder_for

    try:
        embedder = embedder_for(settings)
        vector = embedder.embed(["dental implants"])
    except EmbedderMissing as exc:
        return Check("embedder", False, str(exc))
    return Check("embedder", True, f"{embedder.name}, dimension {vector.shape[1]}")


def check_executor(settings: Settings) -> Check:
    version = _version("ray")
    if settings.executor == "inline":
        return Check("executor", True, f"inline (in this process); Ray {version} available with IGNY8_EXECUTOR=ray")
    if version == "not installed":
        return Check("executor", False, "IGNY8_EXECUTOR=ray but Ray is not installed: run `make install`")
    where = settings.ray_address or f"a local Ray started on demand with {settings.ray_num_cpus} CPUs"
    return Check("executor", True, f"Ray {version}: {where}")


def run_checks(settings: Settings, *, probe_model: bool = True) -> list[Check]:
    return [
        Check("settings", True, f"data dir {settings.data_dir}, environment {settings.environment}"),
        check_database(settings),
        *check_models(settings, probe=probe_model),
        check_embedder(settings),
        check_executor(settings),
    ]
