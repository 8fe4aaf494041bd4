from collections.abc import Iterator

import pytest

from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.llm.embedder import FakeEmbedder
from igny8.llm.gateway import ModelGateway
from igny8.memory.database import Database
from igny8.services import Services


@pytest.fixture()
def lorem_settings(tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(data_dir=tmp_path, embedder="fake", default_model="igny8-fake/lorem", environment="test")


@pytest.fixture()
def runtime(lorem_settings: Settings, database: Database) -> Iterator[Services]:
    yield Services(lorem_settings, database, ModelGateway(lorem_settings, database), FakeEmbedder(), load_catalog())
