import json
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from igny8.api.app import create_app
from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.llm.embedder import FakeEmbedder
from igny8.llm.gateway import ModelGateway
from igny8.memory.api_keys import issue_key
from igny8.memory.database import Database
from igny8.memory.tenancy import create_account
from igny8.services import Services


@pytest.fixture(scope="module")
def api_runtime(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Services:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("api"),
        embedder="fake",
        default_model="igny8-fake/lorem",
        admin_token="test-admin-token",
        environment="test",
    )
    return Services(settings, database, ModelGateway(settings, database), FakeEmbedder(), load_catalog())


@pytest.fixture(scope="module")
def client(api_runtime: Services) -> Iterator[TestClient]:
    with TestClient(create_app(api_runtime, max_body_bytes=64 * 1024)) as test_client:
        yield test_client


def new_tenant(runtime: Services, client: TestClient, name: str) -> dict:
    """An account with its key, and one dental site with its site key."""
    with runtime.database.connection() as conn:
        account = create_account(conn, name=name)
        account_key = issue_key(conn, account_id=account, site_id=None)
    created = client.post(
        "/api/v1/sites",
        headers={"X-IGNY8-API-KEY": account_key},
        json={
            "name": f"{name} site",
            "url": "https://example.com",
            "industry": "healthcare-medical",
            "sectors": ["dental-clinics"],
            "site_type": "local_service",
        },
    )
    assert created.status_code == 201, created.text
    data = created.json()["data"]
    return {"account": account, "account_key": account_key, "site": data["id"], "site_key": data["api_key"]}


class LiveServer:
    """The API under uvicorn on 127.0.0.1 in a background thread; stopped by the fixture that started it."""

    def __init__(self, runtime: Services) -> None:
        import socket
        import threading

        import uvicorn

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        config = uvicorn.Config(create_app(runtime), host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> "LiveServer":
        import time

        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the API server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="module")
def live_server(api_runtime: Services) -> Iterator[LiveServer]:
    with LiveServer(api_runtime) as server:
        yield server


def read_events(base: str, key: str, session: str, after: int) -> list[tuple[int, str, dict]]:
    events = []
    with httpx.stream(
        "GET",
        f"{base}/api/v1/chat/sessions/{session}/events",
        params={"after": after, "timeout": 60},
        headers={"X-IGNY8-API-KEY": key},
        timeout=90,
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        block: dict[str, str] = {}
        for line in response.iter_lines():
            if line == "":
                if block:
                    events.append((int(block.get("id", 0)), block["event"], json.loads(block["data"])))
                    if block["event"] == "end":
                        break
                block = {}
                continue
            field, _, value = line.partition(": ")
            block[field] = value
    return events
