"""What the gateway knows of providers: our own (the embedded model, the fake) registered with LiteLLM, and
what a provider accepts (JSON schema, JSON mode) or refuses."""

from __future__ import annotations

import re
import threading

import litellm

from igny8.config import Settings
from igny8.llm import fake, local_provider

OWN_PROVIDERS = (local_provider.PROVIDER, fake.PROVIDER)
_registration_lock = threading.Lock()


def register_providers(settings: Settings) -> None:
    """Make ``igny8-local/...`` and ``igny8-fake/...`` known to LiteLLM (idempotent)."""
    with _registration_lock:
        litellm.telemetry = False
        litellm.suppress_debug_info = True
        local = local_provider.LocalLlamaProvider(
            model_path=settings.local_model_path,
            context=settings.local_model_context,
            threads=settings.local_model_threads,
            default_model=settings.local_model,
            cache_dir=settings.data_dir / "models",
        )
        others = [p for p in litellm.custom_provider_map if p["provider"] not in OWN_PROVIDERS]
        litellm.custom_provider_map = others + [
            {"provider": local_provider.PROVIDER, "custom_handler": local},
            {"provider": fake.PROVIDER, "custom_handler": fake.FakeProvider(settings.fake_model_latency_s)},
        ]
        from litellm.utils import custom_llm_setup

        custom_llm_setup()


def provider_of(model: str) -> str:
    return model.split("/", 1)[0] if "/" in model else "openai"


def supports_json_schema(model: str) -> bool:
    if provider_of(model) in OWN_PROVIDERS:
        return True
    try:
        return bool(litellm.supports_response_schema(model=model))
    except Exception:  # unknown model names raise inside litellm
        return False


def supports_response_format(model: str) -> bool:
    """Whether LiteLLM passes ``response_format`` to this provider at all (JSON mode is then worth a try)."""
    try:
        params = litellm.get_supported_openai_params(model=model) or []
    except Exception:  # unknown providers raise inside litellm
        return False
    return "response_format" in params


# OpenAI strict mode (platform.openai.com/docs/guides/structured-outputs, "Supported schemas"): every object
# has additionalProperties false and lists every property in required (optional means nullable); the root is
# an object; allOf, not, if/then/else, patternProperties are refused; minLength/maxLength are not in the
# supported list, and fine-tuned models (and other OpenAI-compatible servers copying the rules) also refuse
# pattern, format, minimum, maximum, multipleOf, minItems and maxItems. So only shape keywords are kept: the
# bounds still reach the model through the schema in the system prompt, and pydantic enforces them after.
_FORMAT_WORDS = re.compile(r"response_format|json_schema|json_object|schema|structured output", re.IGNORECASE)


def rejects_response_format(error: BaseException) -> bool:
    """A 400-class refusal of the response format (not a too-long prompt, not a content refusal)."""
    if isinstance(error, litellm.ContextWindowExceededError | litellm.ContentPolicyViolationError):
        return False
    status = getattr(error, "status_code", None)
    if not isinstance(error, litellm.BadRequestError) and status not in (400, 422):
        return False
    return bool(_FORMAT_WORDS.search(str(error)))
