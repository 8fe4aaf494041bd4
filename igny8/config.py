"""The one Settings object. Environment variables (prefix ``IGNY8_``) are read here and nowhere else."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

AgentRole = Literal["architect", "clusterer", "writer", "linker", "optimizer", "social", "video"]
AGENT_ROLES: tuple[AgentRole, ...] = ("architect", "clusterer", "writer", "linker", "optimizer", "social", "video")

LOCAL_MODEL = "igny8-local/smollm2-135m"


class Settings(BaseSettings):
    """Everything that can be configured. Unset means the embedded default."""

    model_config = SettingsConfigDict(env_prefix="IGNY8_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Field(default=Path(".data"), description="Embedded database, Ray temp files, exports.")
    database_url: SecretStr | None = Field(
        default=None, description="postgresql://… of a server with pgvector; unset starts the embedded one."
    )

    # Models: one LiteLLM model name per agent role; unset roles use default_model.
    default_model: str = LOCAL_MODEL
    architect_model: str | None = None
    clusterer_model: str | None = None
    writer_model: str | None = None
    linker_model: str | None = None
    optimizer_model: str | None = None
    social_model: str | None = None
    video_model: str | None = None
    fallback_models: list[str] = Field(default_factory=list)
    model_api_key: SecretStr | None = None
    model_api_base: str | None = None
    model_timeout_s: float = 120.0
    model_retries: int = 2
    local_model_path: Path | None = Field(default=None, description="A GGUF file; unset uses the shipped one.")
    local_model_context: int = 4096
    local_model_threads: int = 2
    local_model: Literal["smollm2-135m", "gemma3-270m"] = Field(
        default="smollm2-135m", description="Which shipped GGUF serves igny8-local (unless local_model_path)."
    )
    writer_profile: Literal["auto", "compact", "full"] = Field(
        default="auto",
        description="compact: short sections for the embedded model; full: outline and facts in every section "
        "prompt, pages as long as their structure deserves; auto: compact for igny8-local/igny8-fake.",
    )

    fake_model_latency_s: float = Field(
        default=0.0, ge=0, le=60, description="Latency of igny8-fake/lorem (benchmarks, crash tests)."
    )
    image_model: str | None = Field(default=None, description="A LiteLLM image model; unset renders SVG cards.")
    provider_concurrency: dict[str, int] = Field(
        default_factory=lambda: {"igny8-local": 1, "igny8-fake": 8, "openai": 8, "anthropic": 8},
        description="Model calls in flight at once, per provider.",
    )
    default_provider_concurrency: int = 4
    batch_sizes: dict[str, int] = Field(
        default_factory=lambda: {
            "clustering": 50,
            "ideas": 1,
            "tasks": 20,
            "content": 1,
            "image_prompts": 1,
            "images": 1,
        },
        description="Items per batch for each pipeline stage (plan defaults).",
    )

    embedder: Literal["minilm", "fake"] = "minilm"
    executor: Literal["ray", "inline"] = "inline"
    ray_address: str | None = None
    ray_num_cpus: int = 2

    credit_price_usd: float = 0.01

    api_host: str = "127.0.0.1"
    api_port: int = Field(default=8088, ge=1, le=65535)
    api_max_body_bytes: int = Field(default=1_048_576, ge=1024)
    admin_token: SecretStr | None = Field(default=None, description="Allows POST /api/v1/accounts; unset disables it.")
    secret_key: SecretStr | None = Field(
        default=None,
        description="Encrypts stored credentials (a Fernet key or a passphrase). Required in production; "
        "elsewhere unset generates <data_dir>/secret.key once.",
    )
    secret_key_previous: SecretStr | None = Field(
        default=None, description="The key before the last rotation: still decrypts, values are re-encrypted."
    )
    chat_workers: int = Field(default=4, ge=1, le=64, description="Chat sessions advancing at once (thread pool).")
    chat_sessions_per_account: int = Field(default=2, ge=1, description="Running chat sessions per account.")
    worker_poll_s: float = Field(default=30.0, gt=0)

    @field_validator("data_dir")
    @classmethod
    def _absolute_data_dir(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @model_validator(mode="after")
    def _embedded_model_choice(self) -> Settings:
        # IGNY8_LOCAL_MODEL picks the embedded default model; an explicit IGNY8_DEFAULT_MODEL wins.
        if "default_model" not in self.model_fields_set:
            self.default_model = f"igny8-local/{self.local_model}"
        return self

    def model_for(self, role: AgentRole) -> str:
        return getattr(self, f"{role}_model") or self.default_model

    @property
    def uses_embedded_database(self) -> bool:
        return self.database_url is None

    def fingerprint(self) -> str:
        """A digest that changes with any setting, secrets included (their values never leave the digest).

        ``model_dump(mode="json")`` masks every secret as ``**********``, so it cannot tell two keys apart
        and cannot carry them: workers receive this object itself (it pickles) and cache by this digest.
        """
        values = {
            name: value.get_secret_value() if isinstance(value, SecretStr) else value
            for name, value in self.model_dump().items()
        }
        return hashlib.sha256(json.dumps(values, sort_keys=True, default=str).encode()).hexdigest()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
