"""`schemathesis run` against the running API's OpenAPI document, with a real site key and a real account
key: generated requests, valid and invalid; no response may be a server error (5xx)."""

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from igny8.services import Services
from tests.api.conftest import LiveServer, new_tenant


@pytest.mark.parametrize("key_kind", ["site_key", "account_key"])
def test_schemathesis_finds_no_server_error(
    api_runtime: Services, live_server: LiveServer, tmp_path: Path, key_kind: str
) -> None:
    with httpx.Client(base_url=live_server.url) as http:
        keys = new_tenant(api_runtime, http, f"fuzzed-{key_kind}")
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{live_server.url}/openapi.json",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        "15",
        "--phases",
        "examples,coverage,fuzzing",
        "-H",
        f"X-IGNY8-API-KEY: {keys[key_kind]}",
        "--request-timeout",
        "30",
        "--no-color",
    ]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=600, env={**os.environ, "SCHEMATHESIS_HOOKS": ""}, cwd=tmp_path
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert "No issues found" in output or "passed" in output.lower(), output[-2000:]
