"""Chat sessions on the site_build graph: each session is a checkpointed graph thread plus an event log in
PostgreSQL, so a person can leave during a review pause and continue later, even after a restart.

Sessions advance on a bounded thread pool (IGNY8_CHAT_WORKERS) and each account has at most
IGNY8_CHAT_SESSIONS_PER_ACCOUNT sessions running (queued or advancing) at once. The registry of running
sessions holds only those: a session leaves it when its run ends, however it ends.
"""

from __future__ import annotations

import logging
import threading
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from langgraph.types import Command

from igny8.graphs.site_build import BuildRequest, SiteBuildContext, build_graph, initial_state
from igny8.memory import chat_sessions
from igny8.memory.checkpoints import open_checkpointer
from igny8.memory.database import Database
from igny8.services import Services
from igny8.workflows.public_errors import public_error

log = logging.getLogger(__name__)

SESSION_FAILED = "the build stopped on an internal error; the session id identifies it in the server log"


class SessionRefused(Exception):
    """The runner cannot take the session now; the message says what to do, and when to retry."""

    status_code = 409
    retry_after_s: int | None = None


class SessionLimitReached(SessionRefused):
    """The account already has its allowed number of sessions running."""

    status_code = 429
    retry_after_s = 10


class SessionAlreadyRunning(SessionRefused):
    """This session is already advancing on this server."""


class RunnerClosed(SessionRefused):
    """The server is shutting down and accepts no new work."""

    status_code = 503
    retry_after_s = 30


def add_event(database: Database, session_id: str, kind: str, payload: dict[str, Any]) -> None:
    with database.connection() as conn:
        chat_sessions.add_event(conn, session_id=session_id, kind=kind, payload=payload)


def _set_status(database: Database, session_id: str, status: str, result: dict[str, Any] | None = None) -> None:
    with database.connection() as conn:
        chat_sessions.set_session_status(conn, session_id=session_id, status=status, result=result)


def new_session_id() -> str:
    return uuid.uuid4().hex


def create_session(runtime: Services, request: BuildRequest, session_id: str | None = None) -> str:
    session_id = session_id or new_session_id()
    with runtime.database.connection() as conn:
        chat_sessions.insert_session(
            conn,
            session_id=session_id,
            account_id=request["account_id"],
            site_id=request["site_id"],
            request=dict(request),
        )
    add_event(
        runtime.database,
        session_id,
        "message",
        {
            "role": "assistant",
            "text": f"Designing a {request['site_type']} site for {', '.join(request['sectors'])}. I will show the "
            "attributes for your review first.",
        },
    )
    return session_id


def build_start(request: BuildRequest | None, answer: dict[str, Any] | None) -> Any:
    """The graph input: a new build, a review answer, or None to go on from the checkpoint."""
    return initial_state(request) if request is not None else (Command(resume=answer) if answer else None)


def advance(runtime: Services, session_id: str, start: Any, *, stopping: threading.Event | None = None) -> None:
    """Run the graph until it pauses or ends, logging every step as an event. When ``stopping`` is set (the
    server shuts down) the run stops after the current step; the session stays 'running' and resumes from
    its checkpoint (POST .../resume)."""
    database = runtime.database
    context = SiteBuildContext.of(runtime)
    config = {"configurable": {"thread_id": f"chat-{session_id}"}}
    try:
        with open_checkpointer(database) as saver:
            graph = build_graph(saver)
            paused = None
            for update in graph.stream(start, config, context=context, stream_mode="updates"):
                for node, change in update.items():
                    if node == "__interrupt__":
                        paused = change[0].value
                        continue
                    for line in (change or {}).get("progress", []):
                        add_event(database, session_id, "progress", {"node": node, "text": line})
                if stopping is not None and stopping.is_set():
                    log.info("chat session %s stopped at a checkpoint: the server is shutting down", session_id)
                    add_event(
                        database,
                        session_id,
                        "message",
                        {
                            "role": "assistant",
                            "text": "The server restarted; continue this session with "
                            f"POST /api/v1/chat/sessions/{session_id}/resume.",
                        },
                    )
                    return
            if paused is not None:
                add_event(database, session_id, "review", paused)
                _set_status(database, session_id, "awaiting_review")
                return
            values = graph.get_state(config).values
        result = {
            "site_id": values.get("site_id"),
            "blueprint_id": values.get("blueprint_id"),
            "version": values.get("version"),
        }
        add_event(database, session_id, "done", result)
        _set_status(database, session_id, "completed", result)
    except Exception as exc:  # the session records the failure; the person sees what to fix, the log the detail
        log.exception("chat session %s failed", session_id)
        known = public_error(exc)
        text = known.message if known else SESSION_FAILED
        add_event(database, session_id, "error", {"text": text, "session_id": session_id})
        _set_status(database, session_id, "failed")


class ChatRunner:
    """Advances chat sessions on a bounded pool, with a per-account limit of running sessions."""

    def __init__(self, runtime: Services, *, workers: int, per_account: int) -> None:
        self._runtime = runtime
        self._per_account = per_account
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="chat")
        self._changed = threading.Condition()
        self._running: dict[str, int] = {}  # session id → account id, only while queued or advancing
        self._stopping = threading.Event()

    @classmethod
    def for_runtime(cls, runtime: Services) -> ChatRunner:
        settings = runtime.settings
        return cls(runtime, workers=settings.chat_workers, per_account=settings.chat_sessions_per_account)

    @property
    def per_account(self) -> int:
        return self._per_account

    @property
    def closed(self) -> bool:
        return self._stopping.is_set()

    def running(self) -> dict[str, int]:
        """The sessions queued or advancing now, with their accounts (a copy)."""
        with self._changed:
            return dict(self._running)

    def claim(self, account_id: int, session_id: str, *, wait_s: float = 0.0) -> None:
        """Reserve a place for the session: wait up to ``wait_s`` for a run of the same session to end (a review
        answer can arrive while its pause is being written), then apply the account's limit."""
        with self._changed:
            self._changed.wait_for(lambda: session_id not in self._running, timeout=wait_s)
            if self._stopping.is_set():
                raise RunnerClosed("the server is shutting down: try again in a minute")
            if session_id in self._running:
                raise SessionAlreadyRunning(
                    "the session is already running on this server: follow its events and answer the next review"
                )
            active = sum(1 for owner in self._running.values() if owner == account_id)
            if active >= self._per_account:
                raise SessionLimitReached(
                    f"this account already has {active} chat sessions running (the limit is {self._per_account}): "
                    "wait until one pauses for review or finishes (follow its events), then try again"
                )
            self._running[session_id] = account_id

    def release(self, session_id: str) -> None:
        with self._changed:
            self._running.pop(session_id, None)
            self._changed.notify_all()

    def submit(self, session_id: str, start: Any) -> Future[None]:
        """Queue a claimed session; its place is released when the run ends, fails or is cancelled."""
        try:
            future = self._executor.submit(advance, self._runtime, session_id, start, stopping=self._stopping)
        except RuntimeError as exc:  # the pool was shut down between claim and submit
            self.release(session_id)
            raise RunnerClosed("the server is shutting down: try again in a minute") from exc
        future.add_done_callback(lambda done: self._finished(session_id, done))
        return future

    def _finished(self, session_id: str, future: Future[None]) -> None:
        self.release(session_id)
        if not future.cancelled() and future.exception() is not None:
            log.error("chat session %s could not record its outcome", session_id, exc_info=future.exception())

    def shutdown(self) -> None:
        """Stop taking work, cancel queued sessions (they resume later from their checkpoints) and wait for the
        advancing ones to reach their next checkpoint."""
        self._stopping.set()
        with self._changed:
            self._changed.notify_all()
        self._executor.shutdown(wait=True, cancel_futures=True)
