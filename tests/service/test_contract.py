"""The contract tells the truth: `schemathesis run -c all` (every check: statuses, content types, headers,
response schemas, valid data accepted, invalid data refused, auth, unsupported methods, stateful sequences)
against a real `igny8 serve` on 127.0.0.1, once with a site key and once with an account key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from igny8.memory.database import Database
from tests.service.conftest import ServeProcess, tenant_keys


@pytest.mark.parametrize("key_kind", ["site_key", "account_key"])
def test_schemathesis_all_checks_pass(database: Database, served: ServeProcess, tmp_path: Path, key_kind: str) -> None:
    keys = tenant_keys(database, served.url, f"contract-{key_kind}")
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{served.url}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        "5",
        "--seed",
        "17",
        "-H",
        f"X-IGNY8-API-KEY: {keys[key_kind]}",
        "--request-timeout",
        "30",
        "--no-color",
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=900, env={**os.environ, "SCHEMATHESIS_HOOKS": ""}, cwd=tmp_path
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    assert " passed" in output and "failures" not in output.splitlines()[-1], output[-3000:]
