"""The embedded PostgreSQL stops when the last IGNY8 process using it ends, however it ends; a server left
by a SIGKILLed process is adopted by the next start; a stale postmaster.pid never blocks a start."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

from igny8.memory.embedded_server import postmaster_pid

# A process that uses the server like any IGNY8 command: start (or join) it, say so, then end as told.
USER_SCRIPT = """
import sys, time
from igny8.workflows import shutdown
from igny8.memory.database import start_embedded_server
shutdown.install()
url = start_embedded_server(__import__("pathlib").Path(sys.argv[1]))
import psycopg
with psycopg.connect(url) as conn:
    conn.execute("SELECT 1")
print("ready", flush=True)
how = sys.argv[2]
if how == "raise":
    raise RuntimeError("a command that fails")
if how == "wait":
    time.sleep(120)
"""


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("lifecycle")
    yield folder
    pid = postmaster_pid(folder / "postgres")
    if pid:  # a failed test must not leave its server behind
        psutil.Process(pid).terminate()


def _user(data_dir: Path, how: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", USER_SCRIPT, str(data_dir), how],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    if how != "raise" or line:
        assert line.strip() == "ready", process.stderr.read() if process.stderr else ""
    return process


def _server_pid(data_dir: Path) -> int | None:
    return postmaster_pid(data_dir / "postgres")


def _wait_stopped(data_dir: Path, timeout_s: float = 30) -> bool:
    deadline = time.monotonic() + timeout_s
    while _server_pid(data_dir) is not None and time.monotonic() < deadline:
        time.sleep(0.2)
    return _server_pid(data_dir) is None


def _owners(data_dir: Path) -> list[int]:
    path = data_dir / "run" / "igny8-owners.json"
    return [o["pid"] for o in json.loads(path.read_text())] if path.exists() else []


@pytest.mark.parametrize("how", ["exit", "raise"])
def test_the_server_stops_when_its_only_user_ends(data_dir: Path, how: str) -> None:
    process = _user(data_dir, how)
    assert process.wait(60) == (0 if how == "exit" else 1)
    assert _wait_stopped(data_dir), "the embedded PostgreSQL outlived the process that started it"
    assert _owners(data_dir) == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_the_server_stops_when_its_user_is_signalled(data_dir: Path, signum: int) -> None:
    process = _user(data_dir, "wait")
    assert _server_pid(data_dir) is not None
    process.send_signal(signum)
    assert process.wait(60) != 0
    assert _wait_stopped(data_dir)


def test_the_server_runs_until_the_last_of_two_users_ends(data_dir: Path) -> None:
    first, second = _user(data_dir, "wait"), _user(data_dir, "wait")
    server = _server_pid(data_dir)
    assert sorted(_owners(data_dir)) == sorted([first.pid, second.pid])
    first.terminate()
    first.wait(60)
    time.sleep(1)
    assert _server_pid(data_dir) == server, "stopped while another process still used it"
    second.terminate()
    second.wait(60)
    assert _wait_stopped(data_dir)


def test_a_server_left_by_a_killed_process_is_adopted_then_stopped(data_dir: Path) -> None:
    killed = _user(data_dir, "wait")
    server = _server_pid(data_dir)
    killed.kill()
    killed.wait(30)
    assert _server_pid(data_dir) == server, "SIGKILL leaves the server: nothing could stop it"
    follower = _user(data_dir, "exit")
    assert follower.wait(60) == 0
    assert _wait_stopped(data_dir), "the next user adopted the server but did not stop it"
    assert _owners(data_dir) == []


def test_a_stale_postmaster_pid_does_not_block_a_start(data_dir: Path) -> None:
    killed = _user(data_dir, "wait")
    server = _server_pid(data_dir)
    assert server is not None
    killed.kill()
    psutil.Process(server).kill()  # the machine lost power, say: postmaster.pid stays behind
    killed.wait(30)
    deadline = time.monotonic() + 30
    while psutil.pid_exists(server) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert (data_dir / "postgres" / "postmaster.pid").exists()
    follower = _user(data_dir, "exit")
    assert follower.wait(60) == 0, follower.stderr.read() if follower.stderr else ""
    assert _wait_stopped(data_dir)
    assert not (data_dir / "postgres" / "postmaster.pid").exists()
    assert os.environ.get("IGNY8_TEST_RUN"), "the processes this test starts are tracked by the run"
