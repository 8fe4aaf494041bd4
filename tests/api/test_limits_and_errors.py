"""Security and limits: chat sessions run on a bounded pool with a per-account limit (429 beyond it), the
registry of running sessions empties as they end, the pool stops with the app; and every error, in a route
or in a chat session, says what to fix without a traceback, the exception's text or a secret."""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import nullcontext
from types import SimpleNamespace
from typing import Any

import litellm
import pytest
from fastapi.testclient import TestClient

from igny8.api.app import create_app
from igny8.api.routes import sites
from igny8.config import Settings
from igny8.llm.gateway import ModelOutputError
from igny8.memory.secret_box import SecretKeyMissing
from igny8.services import Services
from igny8.workflows import chat_sessions
from igny8.workflows.chat_sessions import ChatRunner, RunnerClosed
from igny8.workflows.public_errors import INTERNAL_ERROR
from tests.api.conftest import new_tenant

SECRET = "sk-live-SECRET-7f3a9c"
LEAKS = (SECRET, "Traceback", "RuntimeError", 'File "', "postgresql://")
SESSION_BODY = {"industry": "healthcare-medical", "sectors": ["dental-clinics"], "site_type": "local_service"}


class FakeGraph:
    """Stands in for the site_build graph: waits at its gate, then ends (or raises ``failure``)."""

    def __init__(self, gate: threading.Event, failure: BaseException | None = None) -> None:
        self.gate = gate
        self.failure = failure
        self.threads: list[threading.Thread] = []

    def stream(self, start: Any, config: Any, **kwargs: Any) -> Iterator[dict[str, Any]]:
        self.threads.append(threading.current_thread())
        assert self.gate.wait(30), "the test never opened the gate"
        if self.failure is not None:
            raise self.failure
        yield {"architect": {"progress": ["designed the attributes"]}}

    def get_state(self, config: Any) -> SimpleNamespace:
        return SimpleNamespace(values={"site_id": None, "blueprint_id": None, "version": None})


@pytest.fixture()
def fake_graph(monkeypatch: pytest.MonkeyPatch) -> FakeGraph:
    graph = FakeGraph(threading.Event())
    monkeypatch.setattr(chat_sessions, "build_graph", lambda saver: graph)
    monkeypatch.setattr(chat_sessions, "open_checkpointer", lambda url: nullcontext(None))
    return graph


@pytest.fixture(scope="module")
def tenant(api_runtime: Services, client: TestClient) -> dict:
    return new_tenant(api_runtime, client, "limited")


@pytest.fixture(scope="module")
def other_tenant(api_runtime: Services, client: TestClient) -> dict:
    return new_tenant(api_runtime, client, "neighbour")


def runner_of(client: TestClient) -> ChatRunner:
    return client.app.state.chat_runner  # type: ignore[attr-defined,no-any-return]


def wait_until_idle(runner: ChatRunner, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while runner.running():
        assert time.monotonic() < deadline, f"sessions still running: {runner.running()}"
        time.sleep(0.02)


def start(client: TestClient, key: str) -> Any:
    return client.post("/api/v1/chat/sessions", headers={"X-IGNY8-API-KEY": key}, json=SESSION_BODY)


def assert_no_leak(text: str) -> None:
    for leak in LEAKS:
        assert leak not in text, f"{leak!r} leaked into: {text[:500]}"


# -- the pool and the per-account limit ---------------------------------------------------------------------


def test_a_session_beyond_the_account_limit_answers_429(
    client: TestClient, tenant: dict, other_tenant: dict, fake_graph: FakeGraph
) -> None:
    runner = runner_of(client)
    assert runner.per_account == 2
    first, second = start(client, tenant["account_key"]), start(client, tenant["account_key"])
    assert first.status_code == second.status_code == 202, first.text
    refused = start(client, tenant["account_key"])
    assert refused.status_code == 429, refused.text
    body = refused.json()
    assert body["success"] is False and body["request_id"] == refused.headers["X-Request-ID"]
    assert "limit is 2" in body["error"] and "try again" in body["error"]
    assert refused.headers["Retry-After"] == "10"
    # The refused start left nothing behind, and another account is not held back by this one.
    assert set(runner.running()) == {first.json()["data"]["id"], second.json()["data"]["id"]}
    neighbour = start(client, other_tenant["account_key"])
    assert neighbour.status_code == 202, neighbour.text

    fake_graph.gate.set()
    wait_until_idle(runner)
    assert start(client, tenant["account_key"]).status_code == 202  # a place is free again
    wait_until_idle(runner)
    state = client.get(
        f"/api/v1/chat/sessions/{first.json()['data']['id']}", headers={"X-IGNY8-API-KEY": tenant["account_key"]}
    ).json()["data"]
    assert state["status"] == "completed"


def test_the_registry_does_not_grow_as_sessions_finish(client: TestClient, tenant: dict, fake_graph: FakeGraph) -> None:
    runner = runner_of(client)
    fake_graph.gate.set()
    for _ in range(12):
        assert start(client, tenant["account_key"]).status_code == 202
        wait_until_idle(runner)
    assert runner.running() == {}
    assert not hasattr(chat_sessions, "_locks")  # the old per-session lock dict, which grew forever
    pool_threads = {thread.name for thread in fake_graph.threads}
    assert len(pool_threads) <= client.app.state.runtime.settings.chat_workers  # type: ignore[attr-defined]
    assert all(name.startswith("chat") for name in pool_threads)


def test_the_pool_is_shut_down_with_the_app(api_runtime: Services, tenant: dict, fake_graph: FakeGraph) -> None:
    with TestClient(create_app(api_runtime)) as own:
        runner = runner_of(own)
        assert start(own, tenant["account_key"]).status_code == 202
        deadline = time.monotonic() + 10
        while not fake_graph.threads:  # the session is advancing on a pool thread, not merely queued
            assert time.monotonic() < deadline
            time.sleep(0.01)
        threading.Timer(0.3, fake_graph.gate.set).start()  # it ends while the app stops
    assert runner.closed and runner.running() == {}
    assert fake_graph.threads and not any(thread.is_alive() for thread in fake_graph.threads)
    with pytest.raises(RunnerClosed):
        runner.claim(tenant["account"], "0" * 32)


def test_production_without_a_secret_key_refuses_to_start(api_runtime: Services, tmp_path: Any) -> None:
    production = Settings(data_dir=tmp_path, environment="production", embedder="fake")
    with pytest.raises(SecretKeyMissing, match="IGNY8_SECRET_KEY"):
        create_app(dataclasses.replace(api_runtime, settings=production))


# -- errors say what to fix, and nothing more ---------------------------------------------------------------


@pytest.fixture()
def quiet_client(client: TestClient) -> TestClient:
    """The same app, answering unexpected errors with the 500 envelope instead of raising into the test."""
    return TestClient(client.app, raise_server_exceptions=False)


@pytest.mark.parametrize(
    ("failure", "status", "says"),
    [
        (RuntimeError(f"connection to postgresql://igny8:{SECRET}@db.internal failed"), 500, INTERNAL_ERROR),
        (
            litellm.AuthenticationError(
                message=f"Incorrect API key provided: {SECRET}", llm_provider="openai", model="gpt-4o"
            ),
            502,
            "check IGNY8_MODEL_API_KEY",
        ),
        (ModelOutputError(f"answer was {SECRET}"), 502, "more capable model"),
        (LookupError(f"no row for {SECRET}"), 500, INTERNAL_ERROR),
    ],
)
def test_a_failing_route_answers_the_envelope_without_detail(
    quiet_client: TestClient,
    tenant: dict,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    failure: Exception,
    status: int,
    says: str,
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise failure

    monkeypatch.setattr(sites, "list_sites", broken)
    with caplog.at_level(logging.ERROR, logger="igny8.api.app"):
        response = quiet_client.get("/api/v1/sites", headers={"X-IGNY8-API-KEY": tenant["account_key"]})
    assert response.status_code == status, response.text
    body = response.json()
    assert body["success"] is False and says in body["error"]
    assert body["request_id"] and response.headers["X-Request-ID"] == body["request_id"]
    assert_no_leak(response.text)
    assert_no_leak(str(dict(response.headers)))
    # The detail is in the server log, findable by the request id.
    logged = [r for r in caplog.records if body["request_id"] in r.getMessage()]
    assert logged and logged[0].exc_info and logged[0].exc_info[1] is failure


def read_stream(client: TestClient, key: str, session: str) -> str:
    response = client.get(
        f"/api/v1/chat/sessions/{session}/events", params={"timeout": 20}, headers={"X-IGNY8-API-KEY": key}
    )
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize(
    ("failure", "says"),
    [
        (RuntimeError(f"model base http://user:{SECRET}@10.0.0.5/v1 exploded"), chat_sessions.SESSION_FAILED),
        (
            litellm.AuthenticationError(message=f"bad key {SECRET}", llm_provider="openai", model="gpt-4o"),
            "check IGNY8_MODEL_API_KEY",
        ),
    ],
)
def test_a_failing_chat_session_streams_an_error_that_says_what_to_fix(
    client: TestClient, tenant: dict, fake_graph: FakeGraph, failure: Exception, says: str
) -> None:
    fake_graph.failure = failure
    fake_graph.gate.set()
    key = tenant["account_key"]
    started = start(client, key)
    assert started.status_code == 202
    session = started.json()["data"]["id"]
    stream = read_stream(client, key, session)
    assert "event: error" in stream and says in stream and '"status": "failed"' in stream
    assert_no_leak(stream)
    state = client.get(f"/api/v1/chat/sessions/{session}", headers={"X-IGNY8-API-KEY": key})
    assert state.json()["data"]["status"] == "failed"
    assert_no_leak(state.text)
    wait_until_idle(runner_of(client))
