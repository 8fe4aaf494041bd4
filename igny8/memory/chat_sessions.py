"""Chat sessions and their event log (chat_sessions, chat_events). Every read by a person is scoped by
account; the runner's writes go by session id."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import Jsonb


def insert_session(
    conn: psycopg.Connection, *, session_id: str, account_id: int, site_id: int | None, request: dict[str, Any]
) -> None:
    conn.execute(
        "INSERT INTO chat_sessions (id, account_id, site_id, status, request) VALUES (%s, %s, %s, 'running', %s)",
        (session_id, account_id, site_id, Jsonb(request)),
    )


def set_session_status(
    conn: psycopg.Connection, *, session_id: str, status: str, result: dict[str, Any] | None = None
) -> None:
    """Set the status; ``result`` replaces the stored one only when given."""
    conn.execute(
        "UPDATE chat_sessions SET status = %s, result = coalesce(%s, result), updated_at = now() WHERE id = %s",
        (status, Jsonb(result) if result is not None else None, session_id),
    )


def claim_session_for_answer(conn: psycopg.Connection, *, session_id: str) -> bool:
    """Move a session waiting for review back to running; False when another answer got there first."""
    return bool(
        conn.execute(
            "UPDATE chat_sessions SET status = 'running', updated_at = now() WHERE id = %s"
            " AND status = 'awaiting_review'",
            (session_id,),
        ).rowcount
    )


def get_session(conn: psycopg.Connection, *, session_id: str, account_id: int) -> dict[str, Any] | None:
    return conn.execute(
        "SELECT * FROM chat_sessions WHERE id = %s AND account_id = %s", (session_id, account_id)
    ).fetchone()


def session_status(conn: psycopg.Connection, *, session_id: str) -> str:
    row = conn.execute("SELECT status FROM chat_sessions WHERE id = %s", (session_id,)).fetchone()
    assert row is not None
    return str(row["status"])


def add_event(conn: psycopg.Connection, *, session_id: str, kind: str, payload: dict[str, Any]) -> None:
    conn.execute(
        "INSERT INTO chat_events (session_id, kind, payload) VALUES (%s, %s, %s)",
        (session_id, kind, Jsonb(payload)),
    )


def last_review(conn: psycopg.Connection, *, session_id: str) -> dict[str, Any] | None:
    """The payload of the session's latest review pause, if it has one."""
    row = conn.execute(
        "SELECT payload FROM chat_events WHERE session_id = %s AND kind = 'review' ORDER BY id DESC LIMIT 1",
        (session_id,),
    ).fetchone()
    return row["payload"] if row else None


def events_after(conn: psycopg.Connection, *, session_id: str, after_id: int) -> list[dict[str, Any]]:
    """The session's events with an id above ``after_id``, in order: id, kind, payload."""
    return conn.execute(
        "SELECT id, kind, payload FROM chat_events WHERE session_id = %s AND id > %s ORDER BY id",
        (session_id, after_id),
    ).fetchall()
