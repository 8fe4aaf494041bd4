"""Versioned SQL migrations, applied in order, once, under an advisory lock."""

from __future__ import annotations

from importlib import resources

import psycopg
from psycopg.rows import tuple_row

_LOCK_ID = 0x1687_0001  # any constant shared by every process applying migrations


def migration_files() -> list[tuple[str, str]]:
    """(version, sql) for every ``NNNN_name.sql`` shipped in this package, sorted by version."""
    folder = resources.files(__package__)
    files = sorted(entry for entry in folder.iterdir() if entry.name.endswith(".sql"))
    return [(entry.name.removesuffix(".sql"), entry.read_text(encoding="utf-8")) for entry in files]


def apply_migrations(conn: psycopg.Connection, *, until: str | None = None) -> list[str]:
    """Apply the migrations not yet recorded (up to and including version ``until``, when given); return the
    versions applied now."""
    applied_now: list[str] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK_ID,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        with conn.cursor(row_factory=tuple_row) as cur:
            done = {row[0] for row in cur.execute("SELECT version FROM schema_migrations").fetchall()}
        for version, sql in migration_files():
            if until is not None and version > until:
                break
            if version in done:
                continue
            conn.execute(sql)  # type: ignore[arg-type]  # trusted files shipped with the package
            conn.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (version,))
            applied_now.append(version)
    return applied_now
