"""Shared fixtures: a real embedded PostgreSQL for the run, a fresh database per test module, and a
switch that makes any real model request fail (tests use the scripted fake model)."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
for _provider_key in ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "IGNY8_MODEL_API_KEY", "IGNY8_DATABASE_URL"):
    os.environ.pop(_provider_key, None)

from igny8.config import Settings  # noqa: E402
from igny8.llm import gateway  # noqa: E402
from igny8.llm.embedder import FakeEmbedder  # noqa: E402
from igny8.memory.database import Database, start_embedded_server  # noqa: E402
from igny8.memory.embedded_server import stop_embedded_server  # noqa: E402
from tests.processes import TEST_RUN_TOKEN, leftover_processes  # noqa: E402


@pytest.fixture(autouse=True)
def _forbid_model_requests(request: pytest.FixtureRequest) -> Iterator[None]:
    gateway.ALLOW_MODEL_REQUESTS = "local_model" in request.keywords
    yield
    gateway.ALLOW_MODEL_REQUESTS = False


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def pg_maintenance_url(data_dir: Path) -> Iterator[str]:
    yield start_embedded_server(data_dir)
    stop_embedded_server(data_dir)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when a process it started (PostgreSQL, Ray, PHP, MariaDB, a CLI) is still alive."""
    left = leftover_processes(TEST_RUN_TOKEN)
    if left:
        session.config.pluginmanager.get_plugin("terminalreporter").write_line(
            "processes started by this test run are still alive (now stopped): " + "; ".join(left),
            red=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture(scope="module")
def database(pg_maintenance_url: str, request: pytest.FixtureRequest) -> Iterator[Database]:
    """A fresh database for this test module, every migration applied."""
    name = "t_" + re.sub(r"[^a-z0-9_]", "_", request.module.__name__.rsplit(".", 1)[-1].lower())[:50]
    with psycopg.connect(pg_maintenance_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    info = psycopg.conninfo.conninfo_to_dict(pg_maintenance_url)
    info["dbname"] = name
    db = Database.at(psycopg.conninfo.make_conninfo(**info), embedded=True)
    yield db
    db.close()


@pytest.fixture()
def settings(data_dir: Path) -> Settings:
    return Settings(data_dir=data_dir, embedder="fake", executor="inline", environment="test")


@pytest.fixture()
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def hosted_model() -> Iterator[object]:
    """A key-protected OpenAI-compatible server on 127.0.0.1 (llama.cpp with the shipped model)."""
    from tests.model_server import openai_compatible_server

    with openai_compatible_server() as model:
        yield model
