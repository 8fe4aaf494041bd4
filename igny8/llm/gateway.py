"""The one door to every model: LiteLLM's Router, a model per agent role, structured output, metering.

* Each agent role (architect, clusterer, writer, ...) is a Router deployment; the model behind it is a
  setting. Unset means the embedded local model (``igny8-local``), so nothing needs an API key.
* ``structured()`` asks for JSON matching a pydantic model (JSON-schema constrained where the provider
  supports it), validates it, makes one repair attempt with the validation errors, then raises
  :class:`ModelOutputError`. Callers store nothing unless validation succeeded. Our own providers get the
  bounded pydantic schema (a 135M model only ends JSON reliably when every string and list is bounded);
  hosted providers get the same shape rewritten for OpenAI strict mode (:func:`strict_json_schema`). A
  provider that rejects the schema is asked for JSON mode, then for plain text, and that is remembered.
* ``image()`` generates an image with the configured image model, under the same guard and key.
* Tokens of every successful call are written to the credit ledger, once per idempotency key.
* No error we raise or re-raise carries the API key in its text.
"""

from __future__ import annotations

import base64
import json
import logging
import threading
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import litellm
from pydantic import BaseModel, ValidationError

from igny8.config import AGENT_ROLES, AgentRole, Settings
from igny8.llm import fake
from igny8.llm.credits import Completion, GeneratedImage, Meter, Usage, record_usage, reserved
from igny8.llm.providers import (
    OWN_PROVIDERS,
    provider_of,
    register_providers,
    rejects_response_format,
    supports_json_schema,
    supports_response_format,
)
from igny8.llm.structured_output import (
    SchemaNotStrict,
    parse_json,
    restore_defaults,
    strict_json_schema,
    validation_summary,
)

if TYPE_CHECKING:
    from igny8.memory.database import Database

log = logging.getLogger(__name__)
T = TypeVar("T", bound=BaseModel)

# Tests switch this off (tests/conftest.py): then only the scripted fake model may answer.
ALLOW_MODEL_REQUESTS = True


# The ledger's agent_role for image calls (images are not made by an agent role's chat model).
IMAGE_ROLE = "image"
REDACTED = "[redacted]"


class ModelRequestsForbidden(RuntimeError):
    """A real model was called while model requests are switched off (the test run)."""


class ModelOutputError(ValueError):
    """The model's answer did not validate, even after one repair attempt."""


_FORMATS = ("json_schema", "json_object", "none")


class ModelGateway:
    def __init__(self, settings: Settings, database: Database | None = None) -> None:
        self.settings = settings
        self.database = database
        self._routers: dict[tuple[str, ...], litellm.Router] = {}
        self._router_lock = threading.Lock()
        # model -> index into _FORMATS of the strongest response format it has not refused
        self._format_floor: dict[str, int] = {}
        register_providers(settings)

    # -- routing ---------------------------------------------------------------------------------
    def model_for(self, role: AgentRole) -> str:
        return fake.FAKE_MODEL if fake.active_fake() is not None else self.settings.model_for(role)

    def image_model(self) -> str | None:
        """The image model: the fake one inside ``fake.override()`` when an image model is configured."""
        if self.settings.image_model is None:
            return None
        return fake.FAKE_IMAGE_MODEL if fake.active_fake() is not None else self.settings.image_model

    def _deployment(self, name: str, model: str) -> dict[str, Any]:
        params: dict[str, Any] = {"model": model, "timeout": self.settings.model_timeout_s}
        if provider_of(model) not in OWN_PROVIDERS:
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

    # -- secrets ---------------------------------------------------------------------------------
    def _redact(self, text: str) -> str:
        key = self.settings.model_api_key.get_secret_value() if self.settings.model_api_key else ""
        return text.replace(key, REDACTED) if key else text

    def _scrub(self, error: BaseException) -> None:
        """Remove the API key from the text of ``error`` and its causes, in place (the type is kept, so
        callers can still tell a rate limit from an auth failure)."""
        if not self.settings.model_api_key or not self.settings.model_api_key.get_secret_value():
            return
        seen: set[int] = set()
        current: BaseException | None = error
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            current.args = tuple(self._redact(a) if isinstance(a, str) else a for a in current.args)
            for attribute in ("message", "litellm_debug_info"):
                value = getattr(current, attribute, None)
                if isinstance(value, str):
                    try:
                        setattr(current, attribute, self._redact(value))
                    except AttributeError:  # a read-only property
                        pass
            current = current.__cause__ or current.__context__

    # -- calls -----------------------------------------------------------------------------------
    def _call(self, role: AgentRole, messages: list[dict[str, Any]], **params: Any) -> Completion:
        model = self.model_for(role)
        self._guard(model)
        try:
            response = self._router().completion(model=role, messages=messages, **params)
        except Exception as error:
            self._scrub(error)
            raise
        choice = response.choices[0]
        usage = getattr(response, "usage", None)
        return Completion(
            text=choice.message.content or "",
            model=model,
            prompt_tokens=int(getattr(usage, "prompt_tokens", 0) or 0),
            completion_tokens=int(getattr(usage, "completion_tokens", 0) or 0),
        )

    def charge(
        self, role: AgentRole | str, operation: str, calls: Sequence[Completion | GeneratedImage], meter: Meter | None
    ) -> None:
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
                conn,
                usage,
                account_id=meter.account_id,
                site_id=meter.site_id,
                idempotency_key=meter.idempotency_key,
                default_plan=self.settings.default_plan,
            )

    def _reserved(self, operation: str, meter: Meter | None) -> AbstractContextManager[None]:
        """Credits set aside before the call (OutOfCredits when the payer cannot cover it), given back if it fails."""
        return reserved(self.database, operation, meter, default_plan=self.settings.default_plan)

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
        with self._reserved(operation, meter):
            completion = self._call(role, messages, **params)
        if charge:
            self.charge(role, operation, [completion], meter)
        return completion

    # -- structured output -----------------------------------------------------------------------
    def _sends_strict_schema(self, model: str) -> bool:
        """Hosted providers get the strict schema; ours keep the bounds the small model needs to stop."""
        if provider_of(model) == fake.PROVIDER:
            scripted = fake.active_fake()
            return scripted is not None and scripted.hosted
        return provider_of(model) not in OWN_PROVIDERS

    def _response_formats(self, model: str, output_type: type[BaseModel]) -> dict[str, dict[str, Any] | None]:
        """The response_format of each mode this model may be asked for (a missing mode is skipped)."""
        formats: dict[str, dict[str, Any] | None] = {"none": None}
        if supports_json_schema(model) or supports_response_format(model):
            formats["json_object"] = {"type": "json_object"}
        if supports_json_schema(model):
            schema = output_type.model_json_schema()
            try:
                sent = strict_json_schema(schema) if self._sends_strict_schema(model) else schema
            except SchemaNotStrict as why:
                log.info(
                    "%s cannot be sent in strict mode (%s); asking %s for JSON mode", output_type.__name__, why, model
                )
            else:
                formats["json_schema"] = {
                    "type": "json_schema",
                    "json_schema": {"name": output_type.__name__, "schema": sent, "strict": True},
                }
        return formats

    def _call_for_json(
        self,
        role: AgentRole,
        model: str,
        conversation: list[dict[str, Any]],
        params: dict[str, Any],
        formats: dict[str, dict[str, Any] | None],
    ) -> Completion:
        """One call with the strongest response format the model has not refused; a refusal steps down
        (and is remembered for the model), every other error propagates."""
        index = self._format_floor.get(model, 0)
        while True:
            while _FORMATS[index] not in formats:
                index += 1
            mode = _FORMATS[index]
            request = dict(params)
            if formats[mode] is not None:
                request["response_format"] = formats[mode]
            try:
                return self._call(role, conversation, **request)
            except Exception as error:
                if mode == "none" or not rejects_response_format(error):
                    raise
                log.warning("%s refused response_format %s (%s); using the next one", model, mode, error)
                with self._router_lock:
                    self._format_floor[model] = max(self._format_floor.get(model, 0), index + 1)
                index += 1

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
        model = self.model_for(role)
        # The bounded schema always goes in the prompt: it is the only place bounds reach a hosted model,
        # and the only schema a provider without response_format sees.
        instruction = "Answer with one JSON object and nothing else. It must match this JSON schema:\n" + json.dumps(
            output_type.model_json_schema(), separators=(",", ":")
        )
        conversation = [{"role": "system", "content": instruction}, *messages]
        params: dict[str, Any] = {"max_tokens": max_tokens}
        if temperature is not None:
            params["temperature"] = temperature
        formats = self._response_formats(model, output_type)
        calls: list[Completion] = []
        last_error = ""
        with self._reserved(operation, meter):
            for attempt in range(2):
                completion = self._call_for_json(role, model, conversation, params, formats)
                calls.append(completion)
                try:
                    result = output_type.model_validate(restore_defaults(parse_json(completion.text), output_type))
                except (ValidationError, ValueError) as error:
                    summary = (
                        validation_summary(error)
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
                self._redact(
                    f"the {role} model ({model}) returned an answer for {operation} that does not match "
                    f"{output_type.__name__} even after a repair attempt: {last_error}"
                )
            )

    # -- images ----------------------------------------------------------------------------------
    def image(
        self,
        prompt: str,
        *,
        operation: str = "image_generation",
        meter: Meter | None = None,
        size: str | None = None,
    ) -> GeneratedImage:
        """One image from the configured image model, charged once per the meter's idempotency key.

        Images without token usage (DALL-E) still cost the operation's minimum. Asks for base64 so the
        picture comes back in the answer; a provider that refuses that is asked again without it (and
        remembered), and a URL answer is downloaded.
        """
        model = self.image_model()
        if model is None:
            raise ValueError("no image model is configured (IGNY8_IMAGE_MODEL); render a title card instead")
        self._guard(model)
        params = self._deployment(IMAGE_ROLE, model)["litellm_params"]
        if size is not None:
            params["size"] = size
        floor_key = f"image:{model}"
        with self._reserved(operation, meter):
            response, data = self._generate_image(prompt, model, params, floor_key)
        usage = getattr(response, "usage", None)
        image = GeneratedImage(
            data=data,
            model=model,
            prompt_tokens=int(getattr(usage, "input_tokens", 0) or getattr(usage, "prompt_tokens", 0) or 0),
            completion_tokens=int(getattr(usage, "output_tokens", 0) or getattr(usage, "completion_tokens", 0) or 0),
        )
        self.charge(IMAGE_ROLE, operation, [image], meter)
        return image

    def _generate_image(self, prompt: str, model: str, params: dict[str, Any], floor_key: str) -> tuple[Any, bytes]:
        """The provider's answer and the image bytes (base64 asked first; a refusal is remembered)."""
        while True:
            ask_base64 = self._format_floor.get(floor_key, 0) == 0
            try:
                response = litellm.image_generation(
                    prompt=prompt, n=1, **params, **({"response_format": "b64_json"} if ask_base64 else {})
                )
                return response, self._image_bytes(response.data[0])
            except Exception as error:
                if ask_base64 and rejects_response_format(error):
                    log.warning("%s refused response_format b64_json (%s); asking without it", model, error)
                    with self._router_lock:
                        self._format_floor[floor_key] = 1
                    continue
                self._scrub(error)
                raise

    def _image_bytes(self, item: Any) -> bytes:
        encoded = item.get("b64_json") if isinstance(item, dict) else getattr(item, "b64_json", None)
        if encoded:
            return base64.b64decode(encoded)
        url = item.get("url") if isinstance(item, dict) else getattr(item, "url", None)
        if not url:
            raise ModelOutputError("the image model answered without an image (no b64_json, no url)")
        response = httpx.get(url, timeout=self.settings.model_timeout_s, follow_redirects=True)
        response.raise_for_status()
        return response.content
