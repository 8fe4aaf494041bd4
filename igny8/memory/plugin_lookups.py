"""Small reads and writes of sites and blueprints that the WordPress plugin's endpoints make.

These statements belong with tenancy.py (sites) and blueprints.py (blueprints); they live here because those
modules were being changed by others when the SQL moved into memory/. Fold them in later."""

from __future__ import annotations

import psycopg


def set_site_url(conn: psycopg.Connection, *, site_id: int, url: str) -> None:
    conn.execute("UPDATE sites SET url = %s WHERE id = %s", (url, site_id))


def active_blueprint_version(conn: psycopg.Connection, *, site_id: int) -> int | None:
    row = conn.execute("SELECT version FROM blueprints WHERE site_id = %s AND status = 'active'", (site_id,)).fetchone()
    return row["version"] if row else None


def active_blueprint_id(conn: psycopg.Connection, *, account_id: int, site_id: int) -> int | None:
    """The id of the site's active blueprint, provided the site belongs to ``account_id``."""
    row = conn.execute(
        "SELECT b.id FROM blueprints b JOIN sites s ON s.id = b.site_id WHERE b.site_id = %s"
        " AND s.account_id = %s AND b.status = 'active'",
        (site_id, account_id),
    ).fetchone()
    return int(row["id"]) if row else None
