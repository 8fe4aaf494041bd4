"""The one door to every model: LiteLLM's Router, a model per agent role, structured output, metering.

* Each agent role (architect, clusterer, writer, ...) is a Router deployment; the model behind it is a
  setting. Unset means the embedded local model (``igny8-local``), so nothing needs an API key.
* ``structured()`` asks for JSON matching a pydantic model (JSON-schema constrained where the provider
  supports it), validates it, makes one repair attempt with the validation errors, then raises
  :class:`ModelOutputError`. Callers store nothing unless validation succeeded.
* Tokens of every successful call are written to the credit ledger, once per idempotency key.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

import litellm
from pydantic import BaseModel, ValidationError

from igny8.config import AGENT_ROLES, AgentRole, Settings
from igny8.llm import fake, local_provider
from igny8.llm.credits import Usage, record_usage

if TYPE_CHECKING:
    from igny8.memory.database import Database

log = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)

# Tests switch this off (tests/conftest.py): then only the scripted fake model may answer.
ALLOW_MODEL_REQUESTS = True

_OWN_PROVIDERS = (local_provider.PROVIDER, fake.PROVIDER)
_registration_lock = threading.Lock()


class ModelRequestsForbidden(RuntimeError):
    """A real model was called while model requests are switched off (the test run)."""


class ModelOutputError(ValueError):
    """The model's answer did not validate, even after one repair attempt."""


@dataclass(frozen=True, slots=True)
class Meter:
    """Who pays for a call, and the key that makes a repeated call charge once."""

    account_id: int | None = None
    site_id: int | None = None
    idempotency_key: str | None = None

    def part(self, suffix: str | int) -> Meter:
        """The same payer with a key for one part of the operation (one attempt, one target)."""
        if self.idempotency_key is None:
            return self
        return Meter(self.account_id, self.site_id, f"{self.idempotency_key}:{suffix}")


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    model: str
    prompt_tokens: int
    completion_tokens: int


def register_providers(settings: Settings) -> None:
    """Make ``igny8-local/...`` and ``igny8-fake/...`` known to LiteLLM (idempotent)."""
    with _registration_lock:
        litellm.telemetry = False
        litellm.suppress_debug_info = True
        local = local_provider.LocalLlamaProvider(
            model_path=settings.local_model_path,
            context=settings.local_model_context,
            threads=settings.local_model_threads,
        )
        others = [p for p in litellm.custom_provider_map if p["provider"] not in _OWN_PROVIDERS]
        litellm.custom_provider_map = others + [
            {"provider": local_provider.PROVIDER, "custom_handler": local},
            {"provider": fake.PROVIDER, "custom_handler": fake.FakeProvider(settings.fake_model_latency_s)},
        ]
        from litellm.utils import custom_llm_setup

        custom_llm_setup()


def provider_of(model: str) -> str:
    return model.split("/", 1)[0] if "/" in model else "openai"


def _supports_json_schema(model: str) -> bool:
    if provider_of(model) in _OWN_PROVIDERS:
        return True
    try:
        return bool(litellm.supports_response_schema(model=model))
    except Exception:  # unknown model names raise inside litellm
        return False


def _extract_json(text: str) -> str:
    """Models without constrained decoding wrap JSON in prose or code fences; take the object."""
    fenced = re.search(r"```(?:json)?\s*(\{.*\}|\[.*\])\s*```", text, re.DOTALL)
    if fenced:
        return fenced.group(1)
    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    return text[start:] if start >= 0 else text


def _validation_summary(error: ValidationError | json.JSONDecodeError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"not valid JSON ({error.msg} at position {error.pos})"
    problems = [f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in error.errors()[:10]]
    return "; ".join(problems)


class ModelGateway:
    def __init__(self, settings: Settings, database: Database | None = None) -> None:
        self.settings = settings
        self.database = database
        self._routers: dict[tuple[str, ...], litellm.Router] = {}
        self._router_lock = threading.Lock()
        register_providers(settings)

    # -- routing ---------------------------------------------------------------------------------
    def model_for(self, role: AgentRole) -> str:
        return fake.FAKE_MODEL if fake.active_fake() is not None else self.settings.model_for(role)

    def _deployment(self, name: str, model: str) -> dict[str, Any]:
        params: dict[str, Any] = {"model": model, "timeout": self.settings.model_timeout_s}
        if provider_of(model) not in _OWN_PROVIDERS:
            if self.settings.model_api_key is not None:
                params["api_key"] = self.settings.model_api_key.get_secret_value()
            if self.settings.model_api_base:
                params["api_base"] = self.settings.model_api_base
        return {"model_name": name, "litellm_params": params}

    def _router(self) -> litellm.Router:
        models = tuple(self.model_for(role) for role in AGENT_ROLES)
        fallbacks = () if fake.active_fake() is not None else tuple(self.settings.fallback_models)
        key = models + ("|",) + fallbacks
        with self._router_lock:
            router = self._routers.get(key)
            if router is None:
                model_list = [self._deployment(role, model) for role, model in zip(AGENT_ROLES, models, strict=True)]
                model_list += [self._deployment(f"fallback-{i}", m) for i, m in enumerate(fallbacks)]
                router = litellm.Router(
                    model_list=model_list,
                    num_retries=self.settings.model_retries,
                    timeout=self.settings.model_timeout_s,
                    fallbacks=[{role: [f"fallback-{i}" for i in range(len(fallbacks))]} for role in AGENT_ROLES]
                    if fallbacks
                    else [],
                )
                self._routers[key] = router
            return router

    def _guard(self, model: str) -> None:
        if not ALLOW_MODEL_REQUESTS and provider_of(model) != fake.PROVIDER:
            raise ModelRequestsForbidden(
                f"a real model request to {model!r} was made while model requests are off; "
                "use igny8.llm.fake.override(ScriptedModel(...))"
            )

    # -- calls -----------------------------------------------------------------------------------
    def _call(self, role: AgentRole, messages: list[dict[str, Any]], **params: Any) -> Completion:
        model = self.model_for(role)
        self._guard(model)
        response = self._router().completion(model=role, messages=messages, **params)
        choice = response.choices[0]
        usage = getattr(response, "usage", None)
        return Completion(
            text=choice.message.content or "",
            model=model,
            prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
        )

    def charge(self, role: AgentRole, operation: str, calls: list[Completion], meter: Meter | None) -> None:
        """Record the tokens of ``calls`` as one ledger entry (once per the meter's idempotency key)."""
        if self.database is None or not calls:
            return
        meter = meter or Meter()
        usage = Usage(
            operation=operation,
            agent_role=role,
            model=calls[-1].model,
            prompt_tokens=sum(c.prompt_tokens for c in calls),
            completion_tokens=sum(c.completion_tokens for c in calls),
        )
        with self.database.connection() as conn:
            record_usage(
                conn, usage, account_id=meter.account_id, site_id=meter.site_id, idempotency_key=meter.idempotency_key
            )

    def complete(
        self,
        role: AgentRole,
        messages: list[dict[str, Any]],
        *,
        operation: str,
        meter: Meter | None = None,
        max_tokens: int = 512,
        temperature: float | None = None,
        charge: bool = True,
    ) -> Completion:
        """A plain completion. ``charge=False`` leaves metering to the caller (one entry for several calls)."""
        params: dict[str, Any] = {"max_tokens": max_tokens}
        if temperature is not None:
            params["temperature"] = temperature
        completion = self._call(role, messages, **params)
        if charge:
            self.charge(role, operation, [completion], meter)
        return completion

    def structured(
        self,
        role: AgentRole,
        messages: list[dict[str, Any]],
        output_type: type[T],
        *,
        operation: str,
        meter: Meter | None = None,
        max_tokens: int = 1024,
        temperature: float | None = 0.2,
    ) -> T:
        """Ask for an answer of ``output_type``; validate; one repair attempt; else ModelOutputError."""
        schema = output_type.model_json_schema()
        model = self.model_for(role)
        instruction = "Answer with one JSON object and nothing else. It must match this JSON schema:\n" + json.dumps(
            schema, separators=(",", ":")
        )
        conversation = [{"role": "system", "content": instruction}, *messages]
        params: dict[str, Any] = {"max_tokens": max_tokens}
        if temperature is not None:
            params["temperature"] = temperature
        if _supports_json_schema(model):
            params["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": output_type.__name__, "schema": schema, "strict": True},
            }
        calls: list[Completion] = []
        last_error = ""
        for attempt in range(2):
            completion = self._call(role, conversation, **params)
            calls.append(completion)
            try:
                result = output_type.model_validate_json(_extract_json(completion.text))
            except (ValidationError, ValueError) as error:
                summary = (
                    _validation_summary(error)
                    if isinstance(error, ValidationError | json.JSONDecodeError)
                    else str(error)
                )
                last_error = summary
                log.info("model answer for %s failed validation (attempt %d): %s", operation, attempt + 1, summary)
                conversation = [
                    *conversation,
                    {"role": "assistant", "content": completion.text},
                    {
                        "role": "user",
                        "content": f"That answer is invalid: {summary}. "
                        "Reply again with only the corrected JSON object.",
                    },
                ]
                continue
            self.charge(role, operation, calls, meter)
            return result
        raise ModelOutputError(
            f"the {role} model ({model}) returned an answer for {operation} that does not match "
            f"{output_type.__name__} even after a repair attempt: {last_error}"
        )
