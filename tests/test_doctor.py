import os
import subprocess
import sys
from pathlib import Path

from igny8.config import Settings
from igny8.workflows.doctor import run_checks


def _igny8(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "igny8", *args], capture_output=True, text=True, timeout=180, env={**os.environ, **env}
    )


def test_doctor_reports_every_part(settings: Settings) -> None:
    checks = {c.part: c for c in run_checks(settings, probe_model=False)}
    assert checks["database"].ok and "pgvector 0.8" in checks["database"].detail
    assert "igny8-local/smollm2-135m" in next(c.detail for p, c in checks.items() if p.startswith("model: architect"))
    assert checks["embedder"].ok and "384" in checks["embedder"].detail
    assert checks["executor"].ok


def test_doctor_fails_with_what_to_fix_when_the_database_is_unreachable(tmp_path: Path) -> None:
    done = _igny8(
        "doctor",
        "--no-probe",
        env={
            "IGNY8_DATABASE_URL": f"postgresql://nobody@/igny8?host={tmp_path}",
            "IGNY8_DATA_DIR": str(tmp_path),
            "IGNY8_EMBEDDER": "fake",
        },
    )
    assert done.returncode == 1
    assert "MISSING" in done.stdout
    assert "IGNY8_DATABASE_URL" in done.stdout


def test_doctor_fails_when_the_local_model_file_is_missing(tmp_path: Path, data_dir: Path) -> None:
    done = _igny8(
        "doctor",
        "--no-probe",
        env={
            "IGNY8_LOCAL_MODEL_PATH": str(tmp_path / "absent.gguf"),
            "IGNY8_DATA_DIR": str(data_dir),
            "IGNY8_EMBEDDER": "fake",
        },
    )
    assert done.returncode == 1
    assert "IGNY8_LOCAL_MODEL_PATH" in done.stdout
