"""`igny8 db backup|restore`: the application database, with PostgreSQL's own tools."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import typer

from igny8.cli.app import app, console, err_console, fail
from igny8.config import get_settings
from igny8.memory.backups import BackupError, backup, restore
from igny8.memory.database import Database

db_app = typer.Typer(help="Back up and restore the database.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("backup")
def db_backup(
    out: Path | None = typer.Option(None, help="Default: <data dir>/backups/igny8-YYYYMMDD-HHMMSS.dump."),
) -> None:
    """Write the whole database to one file (pg_dump custom format)."""
    settings = get_settings()
    target = out or settings.data_dir / "backups" / f"igny8-{datetime.now(UTC):%Y%m%d-%H%M%S}.dump"
    database = Database.open(settings)
    try:
        with err_console.status("backing up the database"):
            result = backup(database, target.expanduser().resolve())
    except BackupError as exc:
        raise fail(str(exc)) from exc
    finally:
        database.close()
    console.print(f"backup written: {result.path} ({result.size_bytes / 1e6:.1f} MB, {result.tables} tables)")


@db_app.command("restore")
def db_restore(
    archive: Path = typer.Argument(..., help="A file written by `igny8 db backup`."),
    yes: bool = typer.Option(False, "--yes", help="Replace the current database without asking."),
) -> None:
    """Replace the database with a backup. The replaced one is kept as igny8_before_restore."""
    if not archive.is_file():
        raise fail(f"{archive} is not a file: give the path of a backup written by `igny8 db backup`")
    if not yes and not typer.confirm(f"Replace the current database with {archive}?"):
        raise fail("nothing restored", code=1)
    database = Database.open(get_settings())
    try:
        with err_console.status("restoring the database"):
            tables = restore(database, archive.resolve())
    except BackupError as exc:
        raise fail(str(exc)) from exc
    finally:
        database.close()
    console.print(
        f"restored {len(tables)} tables from {archive}; the replaced database is kept as igny8_before_restore"
    )
