"""`igny8 gsc connect|sync|inspect|report|indexnow` as a user runs them, against the local Google server:
the production commands with their settings from IGNY8_* variables; failures are one-line messages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from igny8.cli import app
from igny8.config import get_settings
from tests.search_console.conftest import PROPERTY, SITE_URL, analytics_row
from tests.search_console.google_server import GoogleServer

runner = CliRunner()


@pytest.fixture()
def env(data_dir: Path, google: GoogleServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    values = {
        "IGNY8_DATA_DIR": str(data_dir),
        "IGNY8_EMBEDDER": "fake",
        "IGNY8_GSC_API_BASE": google.base_url,
        "IGNY8_GSC_TOKEN_URL": google.token_url,
        "IGNY8_GSC_BACKOFF_BASE_S": "0.01",
        "IGNY8_INDEXNOW_ENDPOINT": google.indexnow_url,
        "COLUMNS": "200",
    }
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield values
    get_settings.cache_clear()


def days_ago(days: int) -> str:
    return (datetime.now(UTC).date() - timedelta(days=days)).isoformat()


def igny8(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_connect_sync_inspect_report(env: dict[str, str], google: GoogleServer, service_account_file: Path) -> None:
    code, out, _ = igny8(
        "site",
        "create",
        "--name",
        "Bright Smile CLI",
        "--url",
        SITE_URL,
        "--industry",
        "healthcare-medical",
        "--sector",
        "dental-clinics",
        "--json",
    )
    assert code == 0, out
    site = str(json.loads(out)["id"])

    code, _, err = igny8("gsc", "connect", "--site", site, "--property", PROPERTY)
    assert code == 2 and "exactly one of --client-secrets FILE" in err
    code, _, err = igny8(
        "gsc", "connect", "--site", site, "--property", "example.com", "--service-account", str(service_account_file)
    )
    assert code == 2 and "not a Search Console property" in err and "Traceback" not in err
    code, out, err = igny8(
        "gsc", "connect", "--site", site, "--property", PROPERTY, "--service-account", str(service_account_file)
    )
    assert code == 0 and google.state.service_account_email in out, err

    google.state.rows[PROPERTY] = [
        analytics_row(days_ago(6), f"{SITE_URL}/veneers/", "porcelain veneers", 4, 90, 3.2),
        analytics_row(days_ago(5), f"{SITE_URL}/veneers/", "porcelain veneers", 2, 70, 3.9),
    ]
    code, out, err = igny8("gsc", "sync", "--site", site, "--days", "30", "--json")
    assert code == 0, err
    synced = json.loads(out)
    assert synced["rows"] == 2 and synced["days_fetched"] == 30

    code, out, err = igny8("gsc", "inspect", "--site", site, "--json")
    assert code == 0, err
    assert json.loads(out)["inspected"] == 0 and json.loads(out)["quota_limit"] == 2000

    code, out, err = igny8("gsc", "report", "--site", site, "--json")
    assert code == 0, err
    report = json.loads(out)
    assert report["property"] == PROPERTY and report["connection"] == "connected"
    assert report["inspection_quota"]["limit"] == 2000 and report["performance"]["clicks"]["recent"] == 6
    code, out, _ = igny8("gsc", "report", "--site", site)
    assert code == 0 and "inspection quota today: 0/2000" in out

    code, _, err = igny8("gsc", "indexnow", "--site", site)
    assert code == 2 and "IGNY8_INDEXNOW_KEY" in err

    # The grant is revoked in Google: the real console script says what to do, once, without a traceback.
    google.state.revoke_all()
    done = subprocess.run(
        [sys.executable, "-m", "igny8", "gsc", "sync", "--site", site],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"igny8 gsc connect --site {site}" in done.stderr and "invalid_grant" in done.stderr
    calls = len(google.state.token_requests)
    code, _, err = igny8("gsc", "inspect", "--site", site)
    assert code == 2 and "again" in err and len(google.state.token_requests) == calls, "no retry of a dead grant"
    code, out, _ = igny8("gsc", "report", "--site", site, "--json")
    assert json.loads(out)["connection"] == "reconnect", "the report still works offline and shows the state"
    code, _, err = igny8("gsc", "sync", "--site", "987654")
    assert code == 2 and "987654" in err
