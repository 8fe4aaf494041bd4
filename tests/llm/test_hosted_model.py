"""The whole job on a hosted model: a blueprint and the pipeline through a key-protected OpenAI-compatible
server on 127.0.0.1, as `hosted_vllm/...` and as `openai/...` with a base URL, inline and on Ray. The key
reaches the workers intact and appears in no log, error, run record or export."""

from __future__ import annotations

import logging
from pathlib import Path

import litellm
import pytest
from pydantic import SecretStr

from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.llm.embedder import FakeEmbedder
from igny8.llm.gateway import ModelGateway
from igny8.memory.database import Database
from igny8.services import Services
from igny8.workflows.pipeline_run import run_pipeline
from tests.dental_site import new_dental_site
from tests.model_server import HostedModel

# A 135M model on 2 shared cores: a page takes 10–60 s depending on what else runs.
pytestmark = [pytest.mark.local_model, pytest.mark.slow, pytest.mark.timeout(1800)]


def _runtime(database: Database, tmp_path: Path, settings: Settings) -> Services:
    return Services(settings, database, ModelGateway(settings, database), FakeEmbedder(), load_catalog())


def _settings(tmp_path: Path, model: str, hosted: HostedModel, executor: str, key: str | None = None) -> Settings:
    return Settings(
        data_dir=tmp_path,
        embedder="fake",
        environment="test",
        executor=executor,  # type: ignore[arg-type]
        ray_num_cpus=2,
        default_model=model,
        model_api_base=hosted.base_url,
        model_api_key=SecretStr(key or hosted.api_key),
        model_timeout_s=300,
    )


def _everything_written(tmp_path: Path) -> str:
    return "\n".join(
        p.read_text(errors="replace") for p in tmp_path.rglob("*") if p.is_file() and p.suffix in {".html", ".json"}
    )


@pytest.mark.parametrize(
    ("provider", "executor"), [("hosted_vllm", "inline"), ("openai", "inline"), ("hosted_vllm", "ray")]
)
def test_blueprint_and_pipeline_through_a_key_protected_server(
    database: Database,
    tmp_path: Path,
    hosted_model: HostedModel,
    provider: str,
    executor: str,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    model = f"{provider}/{hosted_model.alias}"
    runtime = _runtime(database, tmp_path, _settings(tmp_path, model, hosted_model, executor))
    account, site = new_dental_site(runtime, name=f"Hosted {provider} {executor}")
    pages = 2 if executor == "ray" else 1  # two pages give Ray two tasks to place
    result = run_pipeline(runtime, account_id=account, site_id=site, limit=pages)

    assert result.counts["pages_written"] == pages
    assert result.counts["words"] > 50 * pages
    with database.connection() as conn:
        ledger = conn.execute(
            "SELECT model, prompt_tokens, completion_tokens FROM credit_ledger WHERE site_id = %s"
            " AND operation = 'content_generation'",
            (site,),
        ).fetchall()
        run = conn.execute(
            "SELECT stages::text AS record FROM pipeline_runs WHERE id = %s", (result.run_id,)
        ).fetchone()
    assert len(ledger) == pages and all(r["model"] == model and r["completion_tokens"] > 0 for r in ledger)
    if executor == "ray":
        assert result.counts["content_nodes"] != ["inline"], "the pages were written by Ray workers"

    out, err = capfd.readouterr()
    for where, text in {
        "log": caplog.text,
        "stdout": out,
        "stderr": err,
        "run record": run["record"],
        "exports": _everything_written(tmp_path),
    }.items():
        assert hosted_model.api_key not in text, f"the API key leaked into the {where}"


def test_a_refused_key_is_an_error_that_names_the_fix_and_not_the_key(
    database: Database, tmp_path: Path, hosted_model: HostedModel
) -> None:
    wrong = "sk-wrong-" + hosted_model.api_key[::-1]
    settings = _settings(tmp_path, f"hosted_vllm/{hosted_model.alias}", hosted_model, "inline", key=wrong)
    gateway = ModelGateway(settings.model_copy(update={"model_retries": 0}))
    with pytest.raises(litellm.AuthenticationError) as caught:
        gateway.complete("writer", [{"role": "user", "content": "Say OK."}], operation="chat", max_tokens=4)
    assert wrong not in str(caught.value)
