"""Each site's IGNY8 Bridge plugin (plugin_bridges): the WordPress URL and the plugin's secret, sealed.
Sealing and opening the secret is the caller's work (memory/secret_box.py)."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg


@dataclass(frozen=True, slots=True)
class StoredBridge:
    site_url: str
    secret_sealed: str


def upsert_bridge(conn: psycopg.Connection, *, site_id: int, site_url: str, secret_sealed: str) -> None:
    conn.execute(
        "INSERT INTO plugin_bridges (site_id, site_url, secret_sealed) VALUES (%s, %s, %s)"
        " ON CONFLICT (site_id) DO UPDATE SET site_url = EXCLUDED.site_url,"
        " secret_sealed = EXCLUDED.secret_sealed, updated_at = now()",
        (site_id, site_url, secret_sealed),
    )


def get_bridge(conn: psycopg.Connection, *, site_id: int) -> StoredBridge | None:
    row = conn.execute("SELECT site_url, secret_sealed FROM plugin_bridges WHERE site_id = %s", (site_id,)).fetchone()
    return StoredBridge(row["site_url"], row["secret_sealed"]) if row else None
