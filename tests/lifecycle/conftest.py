"""A data directory shared by this test process and the `igny8` processes a test starts (serve, worker):
both use the same embedded PostgreSQL, so the test prepares data and checks what the processes did."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.llm.embedder import FakeEmbedder
from igny8.llm.gateway import ModelGateway
from igny8.memory.database import Database
from igny8.memory.embedded_server import stop_embedded_server
from igny8.services import Services


@pytest.fixture(scope="module")
def cli_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return {
        **os.environ,
        "IGNY8_DATA_DIR": str(tmp_path_factory.mktemp("cli")),
        "IGNY8_EMBEDDER": "fake",
        "IGNY8_DEFAULT_MODEL": "igny8-fake/lorem",
        "IGNY8_ENVIRONMENT": "test",
        "IGNY8_FAKE_MODEL_LATENCY_S": "0.2",  # work long enough to be stopped in the middle
        "IGNY8_WORKER_POLL_S": "1",
        "IGNY8_STOP_GRACE_S": "120",
    }


@pytest.fixture(scope="module")
def cli_services(cli_env: dict[str, str]) -> Iterator[Services]:
    settings = Settings(
        data_dir=Path(cli_env["IGNY8_DATA_DIR"]),
        embedder="fake",
        default_model="igny8-fake/lorem",
        environment="test",
    )
    database = Database.open(settings)
    yield Services(settings, database, ModelGateway(settings, database), FakeEmbedder(), load_catalog())
    database.close()
    stop_embedded_server(settings.data_dir)


def igny8_process(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """``igny8 ARGS`` as its own process, its output (stdout and stderr) in one pipe."""
    return subprocess.Popen(
        [sys.executable, "-m", "igny8", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
