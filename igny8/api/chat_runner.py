"""Chat sessions on the site_build graph: each session is a checkpointed graph thread plus an event log in
PostgreSQL, so a person can leave during a review pause and continue later, even after a restart."""

from __future__ import annotations

import logging
import threading
import uuid
from typing import Any

from langgraph.types import Command
from psycopg.types.json import Jsonb

from igny8.graphs.site_build import BuildRequest, SiteBuildContext, build_graph, initial_state
from igny8.memory.checkpoints import open_checkpointer
from igny8.memory.database import Database
from igny8.runtime import Runtime

log = logging.getLogger(__name__)
_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


def _lock(session_id: str) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(session_id, threading.Lock())


def add_event(database: Database, session_id: str, kind: str, payload: dict[str, Any]) -> None:
    with database.connection() as conn:
        conn.execute(
            "INSERT INTO chat_events (session_id, kind, payload) VALUES (%s, %s, %s)",
            (session_id, kind, Jsonb(payload)),
        )


def _set_status(database: Database, session_id: str, status: str, result: dict[str, Any] | None = None) -> None:
    with database.connection() as conn:
        conn.execute(
            "UPDATE chat_sessions SET status = %s, result = coalesce(%s, result), updated_at = now() WHERE id = %s",
            (status, Jsonb(result) if result is not None else None, session_id),
        )


def create_session(runtime: Runtime, request: BuildRequest) -> str:
    session_id = uuid.uuid4().hex
    with runtime.database.connection() as conn:
        conn.execute(
            "INSERT INTO chat_sessions (id, account_id, site_id, status, request) VALUES (%s, %s, %s, 'running', %s)",
            (session_id, request["account_id"], request["site_id"], Jsonb(dict(request))),
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


def advance(runtime: Runtime, session_id: str, start: Any) -> None:
    """Run the graph until it pauses or ends, logging every step as an event. One advance per session at a time."""
    database = runtime.database
    with _lock(session_id):
        context = SiteBuildContext(runtime.catalog, database, runtime.gateway, runtime.embedder)
        config = {"configurable": {"thread_id": f"chat-{session_id}"}}
        try:
            with open_checkpointer(database.url) as saver:
                graph = build_graph(saver)
                paused = None
                for update in graph.stream(start, config, context=context, stream_mode="updates"):
                    for node, change in update.items():
                        if node == "__interrupt__":
                            paused = change[0].value
                            continue
                        for line in (change or {}).get("progress", []):
                            add_event(database, session_id, "progress", {"node": node, "text": line})
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
        except Exception as exc:  # the session records the failure; the person sees it in the stream
            log.exception("chat session %s failed", session_id)
            add_event(database, session_id, "error", {"text": str(exc)})
            _set_status(database, session_id, "failed")


def start_in_background(
    runtime: Runtime, session_id: str, request: BuildRequest | None, answer: dict[str, Any] | None
) -> threading.Thread:
    start: Any = initial_state(request) if request is not None else (Command(resume=answer) if answer else None)
    thread = threading.Thread(
        target=advance, args=(runtime, session_id, start), daemon=True, name=f"chat-{session_id[:8]}"
    )
    thread.start()
    return thread
