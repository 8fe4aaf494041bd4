"""`igny8 serve` stopped with SIGTERM while a request is in flight and a chat session is advancing: the
request is answered, the process exits 0, and a new server picks the session up. SIGKILL, then a start:
no stale lock, the session resumes."""

from __future__ import annotations

import signal
import subprocess
import threading
import time

import httpx
import pytest

from igny8.memory.api_keys import issue_key
from igny8.memory.tenancy import create_account
from igny8.services import Services
from tests.lifecycle.conftest import igny8_process
from tests.wordpress.testbed import free_ports

pytestmark = pytest.mark.slow


def _serve(env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    (port,) = free_ports(1)
    process = igny8_process(env, "serve", "--port", str(port))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        try:
            if httpx.get(f"{url}/openapi.json", timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.3)
    raise AssertionError("igny8 serve did not start")


@pytest.fixture(scope="module")
def account_key(cli_services: Services) -> str:
    with cli_services.database.connection() as conn:
        return issue_key(conn, account_id=create_account(conn, name="signals"), site_id=None)


def _start_session(url: str, key: str) -> str:
    started = httpx.post(
        f"{url}/api/v1/chat/sessions",
        headers={"X-IGNY8-API-KEY": key},
        json={"industry": "healthcare-medical", "sectors": ["dental-clinics"], "site_type": "local_service"},
        timeout=30,
    )
    assert started.status_code == 202, started.text
    return started.json()["data"]["id"]


def _session(url: str, key: str, session: str) -> dict:
    answer = httpx.get(f"{url}/api/v1/chat/sessions/{session}", headers={"X-IGNY8-API-KEY": key}, timeout=30)
    assert answer.status_code == 200, answer.text
    return answer.json()["data"]


def _until_review(url: str, key: str, session: str) -> dict:
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        state = _session(url, key, session)
        if state["status"] == "awaiting_review":
            return state
        if state["status"] in {"interrupted", "failed", "stopped"}:
            resumed = httpx.post(
                f"{url}/api/v1/chat/sessions/{session}/resume", headers={"X-IGNY8-API-KEY": key}, timeout=30
            )
            assert resumed.status_code in {202, 409}, resumed.text
        time.sleep(0.5)
    raise AssertionError(f"session {session} never reached its review: {state}")


def test_sigterm_answers_the_request_in_flight_exits_0_and_the_session_resumes(
    cli_env: dict[str, str], cli_services: Services, account_key: str
) -> None:
    server, url = _serve(cli_env)
    session = _start_session(url, account_key)
    in_flight: dict[str, httpx.Response] = {}

    def long_poll() -> None:  # an event stream that waits for news: in flight when the signal comes
        in_flight["events"] = httpx.get(
            f"{url}/api/v1/chat/sessions/{session}/events",
            params={"after": 10_000, "timeout": 3},
            headers={"X-IGNY8-API-KEY": account_key},
            timeout=60,
        )

    poller = threading.Thread(target=long_poll)
    poller.start()
    time.sleep(0.5)
    server.send_signal(signal.SIGTERM)
    output, _ = server.communicate(timeout=180)
    poller.join(60)
    assert server.returncode == 0, output
    assert "Traceback" not in output
    assert in_flight["events"].status_code == 200, "the request in flight was cut off"

    restarted, url = _serve(cli_env)
    try:
        state = _until_review(url, account_key, session)
        assert state["review"]["stage"] == "attributes"
    finally:
        restarted.send_signal(signal.SIGTERM)
        assert restarted.wait(180) == 0


def test_sigkill_then_a_start_resumes_the_session(
    cli_env: dict[str, str], cli_services: Services, account_key: str
) -> None:
    server, url = _serve(cli_env)
    session = _start_session(url, account_key)
    time.sleep(1.0)
    server.kill()
    server.wait(30)
    restarted, url = _serve(cli_env)
    try:
        assert _until_review(url, account_key, session)["review"]["stage"] == "attributes"
    finally:
        restarted.send_signal(signal.SIGTERM)
        assert restarted.wait(180) == 0
