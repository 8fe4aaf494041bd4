"""Kill a real pipeline process mid-run, start it again, and find no duplicates."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg

LIMIT = 8


def _env(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "IGNY8_DATA_DIR": str(data_dir),
        "IGNY8_EMBEDDER": "fake",
        "IGNY8_DEFAULT_MODEL": "igny8-fake/lorem",
        "IGNY8_FAKE_MODEL_LATENCY_S": "0.15",
    }


def _app_db(pg_maintenance_url: str) -> str:
    info = psycopg.conninfo.conninfo_to_dict(pg_maintenance_url)
    info["dbname"] = "igny8"
    return psycopg.conninfo.make_conninfo(**info)


def _counts(url: str, site: int) -> dict:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM ideas WHERE site_id = %(s)s),"
            " (SELECT count(*) FROM tasks WHERE site_id = %(s)s),"
            " (SELECT count(*) FROM content WHERE site_id = %(s)s),"
            " (SELECT count(*) FROM images m JOIN content c ON c.id = m.content_id WHERE c.site_id = %(s)s),"
            " (SELECT count(*) FROM credit_ledger WHERE site_id = %(s)s AND operation = 'content_generation'),"
            " (SELECT count(DISTINCT idempotency_key) FROM credit_ledger WHERE site_id = %(s)s"
            "  AND operation = 'content_generation')",
            {"s": site},
        ).fetchone()
    return dict(zip(("ideas", "tasks", "content", "images", "charges", "charge_keys"), row, strict=True))


def test_killed_run_resumes_without_duplicates(data_dir: Path, pg_maintenance_url: str) -> None:
    env = _env(data_dir)
    created = subprocess.run(
        [
            sys.executable,
            "-m",
            "igny8",
            "blueprint",
            "create",
            "--industry",
            "healthcare-medical",
            "--sector",
            "dental-clinics",
            "--site-type",
            "local_service",
            "--yes",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert created.returncode == 0, created.stderr
    site = json.loads(created.stdout)["site_id"]
    url = _app_db(pg_maintenance_url)
    command = [sys.executable, "-m", "igny8", "pipeline", "run", "--site", str(site), "--limit", str(LIMIT), "--json"]

    runner = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while _counts(url, site)["content"] < 2:
        assert runner.poll() is None, runner.stderr.read().decode()[-2000:] if runner.stderr else ""
        assert time.monotonic() < deadline, "the pipeline wrote no page in time"
        time.sleep(0.1)
    os.killpg(runner.pid, signal.SIGKILL)
    runner.wait(timeout=30)
    partial = _counts(url, site)
    assert 2 <= partial["content"] < LIMIT

    finished = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert finished.returncode == 0, finished.stderr
    result = json.loads(finished.stdout)
    assert result["resumed"] is True
    final = _counts(url, site)
    assert final == {
        "ideas": LIMIT,
        "tasks": LIMIT,
        "content": LIMIT,
        "images": 2 * LIMIT,
        "charges": LIMIT,
        "charge_keys": LIMIT,
    }
    again = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert again.returncode == 0 and _counts(url, site) == final
