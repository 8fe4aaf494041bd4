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
