"""A site's health scores over time (health_history): one row per maintenance health check."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import Jsonb


def latest_health_score(conn: psycopg.Connection, *, site_id: int) -> float | None:
    row = conn.execute(
        "SELECT score FROM health_history WHERE site_id = %s ORDER BY computed_at DESC LIMIT 1", (site_id,)
    ).fetchone()
    return row["score"] if row else None


def record_health(
    conn: psycopg.Connection, *, site_id: int, blueprint_id: int | None, score: float, components: list[dict[str, Any]]
) -> None:
    conn.execute(
        "INSERT INTO health_history (site_id, blueprint_id, score, components) VALUES (%s, %s, %s, %s)",
        (site_id, blueprint_id, score, Jsonb(components)),
    )


def recent_health(conn: psycopg.Connection, *, site_id: int) -> list[dict[str, Any]]:
    """The latest 52 scores (a year of weekly checks), newest first: score, components, computed_at."""
    return conn.execute(
        "SELECT score, components, computed_at FROM health_history WHERE site_id = %s"
        " ORDER BY computed_at DESC LIMIT 52",
        (site_id,),
    ).fetchall()
