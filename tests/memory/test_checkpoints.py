import json
import subprocess
import sys
from pathlib import Path

from igny8.memory.database import Database

SCRIPT = Path(__file__).with_name("resumable_graph.py")


def _run(*args: str) -> dict:
    done = subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_graph_interrupted_in_one_process_resumes_in_another(database: Database) -> None:
    paused = _run("start", database.url, "thread-1")
    assert paused["interrupts"] == [{"attributes": ["treatment", "patient group"]}]

    resumed = _run("resume", database.url, "thread-1", "location")

    assert resumed["attributes"] == ["treatment", "patient group", "location"]
    assert resumed["log"] == ["proposed", "reviewed", "finished"]


def test_threads_are_independent(database: Database) -> None:
    _run("start", database.url, "thread-a")
    _run("start", database.url, "thread-b")
    assert _run("resume", database.url, "thread-b", "price tier")["attributes"][-1] == "price tier"
    assert _run("resume", database.url, "thread-a", "concern")["attributes"][-1] == "concern"
