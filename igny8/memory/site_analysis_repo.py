"""Analyses of existing sites (site_analyses) and the adoption proposals made from them
(adoption_proposals: pending until a person approves or rejects them)."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from igny8.memory.tenancy import NotFound


def save_analysis(conn: psycopg.Connection, *, site_id: int, blueprint_id: int | None, report: dict[str, Any]) -> int:
    row = conn.execute(
        "INSERT INTO site_analyses (site_id, blueprint_id, report) VALUES (%s, %s, %s) RETURNING id",
        (site_id, blueprint_id, Jsonb(report)),
    ).fetchone()
    assert row is not None
    return int(row["id"])


def latest_analysis(conn: psycopg.Connection, *, site_id: int) -> dict[str, Any]:
    row = conn.execute(
        "SELECT id, blueprint_id, report, created_at FROM site_analyses WHERE site_id = %s ORDER BY id DESC LIMIT 1",
        (site_id,),
    ).fetchone()
    if row is None:
        raise NotFound(f"site {site_id} has not been analysed: run `igny8 site analyze --site {site_id}` first")
    return row


def save_proposal(
    conn: psycopg.Connection, *, site_id: int, analysis_id: int, blueprint_id: int | None, proposal: dict[str, Any]
) -> int:
    row = conn.execute(
        "INSERT INTO adoption_proposals (site_id, analysis_id, blueprint_id, proposal) VALUES (%s, %s, %s, %s)"
        " RETURNING id",
        (site_id, analysis_id, blueprint_id, Jsonb(proposal)),
    ).fetchone()
    assert row is not None
    return int(row["id"])


def get_proposal(conn: psycopg.Connection, *, site_id: int, proposal_id: int) -> dict[str, Any]:
    row = conn.execute(
        "SELECT id, analysis_id, blueprint_id, status, proposal FROM adoption_proposals WHERE id = %s AND site_id = %s",
        (proposal_id, site_id),
    ).fetchone()
    if row is None:
        raise NotFound(f"site {site_id} has no proposal {proposal_id}")
    return row


def decide_proposal(
    conn: psycopg.Connection, *, proposal_id: int, status: str, blueprint_id: int | None = None
) -> None:
    """Move a pending proposal to ``status`` (approved/rejected/applied); a decided one is not decided again."""
    conn.execute(
        "UPDATE adoption_proposals SET status = %s, decided_at = now(), blueprint_id = coalesce(%s, blueprint_id)"
        " WHERE id = %s",
        (status, blueprint_id, proposal_id),
    )
