"""Kill a real `igny8 pipeline run` process mid-run: the rerun charges no key twice, the balance still equals the
grants minus the ledger, no credits stay held; and a run that runs out stops with the CLI's clear message."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from igny8.llm.credits import credit_period
from igny8.memory.database import start_embedded_server
from igny8.memory.embedded_server import stop_embedded_server

LIMIT = 8
BUDGET = 300


def _env(data_dir: Path, latency: str) -> dict[str, str]:
    return {
        **os.environ,
        "IGNY8_DATA_DIR": str(data_dir),
        "IGNY8_EMBEDDER": "fake",
        "IGNY8_DEFAULT_MODEL": "igny8-fake/lorem",
        "IGNY8_FAKE_MODEL_LATENCY_S": latency,
    }


def _app_db(pg_maintenance_url: str) -> str:
    info = psycopg.conninfo.conninfo_to_dict(pg_maintenance_url)
    info["dbname"] = "igny8"
    return psycopg.conninfo.make_conninfo(**info)


def _igny8(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "igny8", *args], capture_output=True, text=True, env=env, timeout=300)


def _figures(url: str, site: int, account: int) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT (SELECT count(*) FROM content WHERE site_id = %(s)s),"
            " (SELECT count(*) FROM credit_ledger WHERE site_id = %(s)s AND operation = 'content_generation'),"
            " (SELECT count(DISTINCT idempotency_key) FROM credit_ledger WHERE site_id = %(s)s"
            "  AND operation = 'content_generation'),"
            " (SELECT coalesce(sum(credits), 0) FROM credit_grants WHERE account_id = %(a)s),"
            " (SELECT coalesce(sum(credits), 0) FROM credit_ledger WHERE account_id = %(a)s),"
            " (SELECT balance FROM credit_accounts WHERE account_id = %(a)s),"
            " (SELECT held FROM credit_accounts WHERE account_id = %(a)s)",
            {"s": site, "a": account},
        ).fetchone()
    names = ("pages", "charges", "charge_keys", "granted", "charged", "balance", "held")
    return dict(zip(names, (int(v) for v in row), strict=True))


@pytest.fixture()
def own_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A data directory of its own: this test spends the local account's credits, which other tests that run
    the CLI on the session's data directory need."""
    folder = tmp_path_factory.mktemp("credits-cli")
    yield folder, start_embedded_server(folder)
    stop_embedded_server(folder)


def test_killed_run_charges_nothing_twice_and_running_out_is_told_clearly(own_data_dir: tuple[Path, str]) -> None:
    data_dir, pg_maintenance_url = own_data_dir
    slow = _env(data_dir, "0.15")
    created = _igny8(
        "blueprint", "create", "--industry", "healthcare-medical", "--sector", "dental-clinics",
        "--site-type", "local_service", "--yes", "--json", env=slow,
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    site = json.loads(created.stdout)["site_id"]
    url = _app_db(pg_maintenance_url)
    with psycopg.connect(url) as conn:
        account = conn.execute("SELECT account_id FROM sites WHERE id = %s", (site,)).fetchone()[0]
        # This month's allowance is spent: the account holds only what the test grants.
        conn.execute(
            "INSERT INTO credit_accounts (account_id, plan, balance, allowance_period) VALUES (%s, 'lite', 0, %s)"
            " ON CONFLICT (account_id) DO UPDATE SET balance = 0, held = 0,"
            " allowance_period = EXCLUDED.allowance_period",
            (account, credit_period()),
        )
        conn.execute("DELETE FROM credit_grants WHERE account_id = %s", (account,))
        conn.execute("DELETE FROM credit_ledger WHERE account_id = %s", (account,))
    granted = _igny8("credits", "grant", "--account", str(account), "--credits", str(BUDGET), "--json", env=slow)
    assert granted.returncode == 0, granted.stderr
    assert json.loads(granted.stdout)["balance"]["available"] == BUDGET

    command = [sys.executable, "-m", "igny8", "pipeline", "run", "--site", str(site), "--limit", str(LIMIT), "--json"]
    runner = subprocess.Popen(command, env=slow, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 120
    while _figures(url, site, account)["pages"] < 2:
        assert runner.poll() is None, runner.stderr.read().decode()[-2000:] if runner.stderr else ""
        assert time.monotonic() < deadline, "the pipeline wrote no page in time"
        time.sleep(0.1)
    os.killpg(runner.pid, signal.SIGKILL)
    runner.wait(timeout=30)
    killed = _figures(url, site, account)
    assert killed["balance"] == killed["granted"] - killed["charged"]

    finished = subprocess.run(command, capture_output=True, text=True, env=slow, timeout=300)
    assert finished.returncode == 0, finished.stderr
    done = _figures(url, site, account)
    assert done["pages"] == done["charges"] == done["charge_keys"] == LIMIT
    assert done["balance"] == done["granted"] - done["charged"] == BUDGET - done["charged"]
    assert done["held"] == 0  # the killed worker's hold was reused by the rerun, not left behind

    # Far more pages than the balance pays for: the run stops between pages with the message, exit code 2.
    fast = _env(data_dir, "0")
    more = [sys.executable, "-m", "igny8", "pipeline", "run", "--site", str(site), "--limit", "40", "--stages",
            "ideas,tasks,content"]  # fmt: skip
    stopped = subprocess.run(more, capture_output=True, text=True, env=fast, timeout=300)
    assert stopped.returncode == 2
    assert "out of credits" in stopped.stderr and "igny8 credits grant" in stopped.stderr
    assert "Traceback (most recent call last)" not in stopped.stderr.split("Exception ignored in atexit")[0]
    last = _figures(url, site, account)
    assert LIMIT < last["pages"] < 40 and last["pages"] == last["charges"] == last["charge_keys"]
    assert 0 <= last["balance"] == last["granted"] - last["charged"] and last["held"] == 0
