"""Fixtures shared by the existing-site and keyword-import tests: services on the module's database with the
scripted model and the fake embedder (the crawler allowed to reach 127.0.0.1 only), and a dental site with an
active blueprint."""

import json
from collections.abc import Iterator
from typing import Any

import pytest

from igny8.agents.data_prompt import DATA_HEADER
from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.llm.embedder import FakeEmbedder
from igny8.llm.fake import FAKE_MODEL
from igny8.llm.gateway import ModelGateway
from igny8.memory.database import Database
from igny8.services import Services
from tests.dental_site import new_dental_site


@pytest.fixture(scope="module")
def runtime(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("sites"),
        embedder="fake",
        default_model=FAKE_MODEL,
        environment="test",
        crawl_allow_private="127.0.0.1",
        crawl_delay_s=0,
    )
    yield Services(settings, database, ModelGateway(settings, database), FakeEmbedder(), load_catalog())


@pytest.fixture(scope="module")
def dental_site(runtime: Services) -> tuple[int, int]:
    return new_dental_site(runtime)


def data_payload(messages: list[dict[str, Any]]) -> dict[str, Any]:
    """The JSON data block a scripted model was sent (also after a repair turn)."""
    block = next(m["content"] for m in messages if m["role"] == "user" and m["content"].startswith(DATA_HEADER))
    return json.loads(block.removeprefix(DATA_HEADER))
