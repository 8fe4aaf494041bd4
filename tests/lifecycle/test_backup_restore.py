"""`igny8 db backup|restore`: a backup taken, the data changed, the backup restored, the data back; a file
that is not a backup, or a database still in use, is refused and the live data is untouched."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from igny8.memory.backups import BackupError, backup, restore
from igny8.memory.database import Database
from igny8.memory.tenancy import create_account
from tests.lifecycle.conftest import igny8_process


def _accounts(database: Database) -> list[str]:
    with database.connection() as conn:
        return [r["name"] for r in conn.execute("SELECT name FROM accounts ORDER BY id")]


def test_restore_brings_back_what_the_backup_held(database: Database, tmp_path: Path) -> None:
    with database.connection() as conn:
        create_account(conn, name="Kept Dental")
    result = backup(database, tmp_path / "one.dump")
    assert result.size_bytes > 0 and result.tables >= 20
    with database.connection() as conn:
        create_account(conn, name="Added After")
        conn.execute("DELETE FROM accounts WHERE name = 'Kept Dental'")
    restore(database, result.path)
    assert "Kept Dental" in _accounts(database) and "Added After" not in _accounts(database)
    with database.connection() as conn:
        versions = [r["version"] for r in conn.execute("SELECT version FROM schema_migrations")]
    assert versions == sorted(versions) and versions[-1].startswith("00")


def test_a_file_that_is_not_a_backup_is_refused_and_nothing_changes(database: Database, tmp_path: Path) -> None:
    before = _accounts(database)
    bogus = tmp_path / "notes.dump"
    bogus.write_text("SELECT 'not a pg_dump archive';")
    with pytest.raises(BackupError, match="is not a backup made by `igny8 db backup`"):
        restore(database, bogus)
    assert _accounts(database) == before


def test_restore_is_refused_while_another_process_uses_the_database(database: Database, tmp_path: Path) -> None:
    archive = backup(database, tmp_path / "busy.dump").path
    with psycopg.connect(database.url):
        with pytest.raises(BackupError, match="stop `igny8 serve` and `igny8 worker`"):
            restore(database, archive)
    assert _accounts(database) is not None


@pytest.mark.slow
def test_the_cli_backs_up_and_restores(cli_env: dict[str, str], tmp_path: Path) -> None:
    archive = tmp_path / "cli.dump"
    made = igny8_process(cli_env, "db", "backup", "--out", str(archive))
    output, _ = made.communicate(timeout=300)
    assert made.returncode == 0 and "backup written" in " ".join(output.split()), output
    restored = igny8_process(cli_env, "db", "restore", str(archive), "--yes")
    output, _ = restored.communicate(timeout=300)
    assert restored.returncode == 0 and "restored" in " ".join(output.split()), output
    refused = igny8_process(cli_env, "db", "restore", str(tmp_path / "missing.dump"), "--yes")
    output, _ = refused.communicate(timeout=300)
    said = " ".join(output.split())  # the console wraps long lines at its width
    assert refused.returncode == 2 and "is not a file" in said and "Traceback" not in output
