"""A real `igny8 serve` process on 127.0.0.1 (random free port) against the module's database, started and
stopped (SIGTERM) by the fixture that uses it; and a tenant with an account key and a site key."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from igny8.memory.api_keys import issue_key
from igny8.memory.database import Database
from igny8.memory.tenancy import create_account


class ServeProcess:
    def __init__(self, database: Database, data_dir: Path, **settings: str) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.env = {
            **os.environ,
            "IGNY8_DATABASE_URL": database.url,
            "IGNY8_DATA_DIR": str(data_dir),
            "IGNY8_EMBEDDER": "fake",
            "IGNY8_DEFAULT_MODEL": "igny8-fake/lorem",
            "IGNY8_ENVIRONMENT": "test",
            "IGNY8_ADMIN_TOKEN": "service-admin-token",
            **{f"IGNY8_{name.upper()}": value for name, value in settings.items()},
        }
        self.log = data_dir / f"serve-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> ServeProcess:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "igny8", "serve", "--port", str(self.port)],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"igny8 serve exited with {self.process.returncode}: {self.log.read_text()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/openapi.json", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"igny8 serve did not answer: {self.log.read_text()[-3000:]}")
            time.sleep(0.2)

    def stop(self) -> int:
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode

    def __exit__(self, *exc: object) -> None:
        self.stop()


@pytest.fixture(scope="module")
def serve_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("serve")


def tenant_keys(database: Database, server_url: str, name: str) -> dict[str, object]:
    """An account key (made in the database, as `igny8 account create` does) and a site made over the API."""
    with database.connection() as conn:
        account = create_account(conn, name=name)
        account_key = issue_key(conn, account_id=account, site_id=None, label="account")
    created = httpx.post(
        f"{server_url}/api/v1/sites",
        headers={"X-IGNY8-API-KEY": account_key},
        json={"name": f"{name} site", "industry": "healthcare-medical", "sectors": ["dental-clinics"]},
        timeout=30,
    )
    assert created.status_code == 201, created.text
    site = created.json()["data"]
    return {"account": account, "account_key": account_key, "site": site["id"], "site_key": site["api_key"]}


@pytest.fixture(scope="module")
def served(database: Database, serve_dir: Path) -> Iterator[ServeProcess]:
    with ServeProcess(database, serve_dir, api_rate_limit_per_s="100000") as server:
        yield server
