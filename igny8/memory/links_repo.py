"""Internal links as the links table records them (the linking stage writes them; later stages that edit a
page keep the table true to its HTML)."""

from __future__ import annotations

from typing import Any

import psycopg


def outgoing_links(conn: psycopg.Connection, *, source_content_id: int) -> list[dict[str, Any]]:
    """The page's recorded links, each with its target's slug."""
    return conn.execute(
        "SELECT l.id, l.target_content_id, l.link_type, l.anchor, c.slug AS target_slug FROM links l"
        " JOIN content c ON c.id = l.target_content_id WHERE l.source_content_id = %s ORDER BY l.id",
        (source_content_id,),
    ).fetchall()


def set_link_anchor(conn: psycopg.Connection, *, link_id: int, anchor: str) -> None:
    conn.execute("UPDATE links SET anchor = %s WHERE id = %s", (anchor, link_id))


def inbound_link_counts(conn: psycopg.Connection, *, site_id: int) -> dict[int, int]:
    """Content id → how many recorded links point at it."""
    return {
        r["target_content_id"]: r["n"]
        for r in conn.execute(
            "SELECT target_content_id, count(*) AS n FROM links WHERE site_id = %s GROUP BY 1", (site_id,)
        ).fetchall()
    }


def site_links(conn: psycopg.Connection, *, site_id: int) -> list[dict[str, Any]]:
    """Every recorded link of the site: source and target content ids and anchor."""
    return conn.execute(
        "SELECT source_content_id, target_content_id, anchor FROM links WHERE site_id = %s", (site_id,)
    ).fetchall()


def insert_link(
    conn: psycopg.Connection,
    *,
    site_id: int,
    source_content_id: int,
    target_content_id: int,
    link_type: str,
    anchor: str,
    score: float,
) -> None:
    """Record a placed link; a source keeps one link per target (a second one adds nothing)."""
    conn.execute(
        "INSERT INTO links (site_id, source_content_id, target_content_id, link_type, anchor, score)"
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (source_content_id, target_content_id) DO NOTHING",
        (site_id, source_content_id, target_content_id, link_type, anchor, score),
    )
