"""Each site's WordPress connection (wordpress_connections): base URL, user, and the application password
as a sealed secret. Sealing and opening the secret is the caller's work (memory/secret_box.py)."""

from __future__ import annotations

from dataclasses import dataclass

import psycopg


@dataclass(frozen=True, slots=True)
class StoredConnection:
    base_url: str
    username: str
    application_password_secret: str  # sealed (or plaintext from before encryption)


def connection_base_url(conn: psycopg.Connection, *, site_id: int) -> str | None:
    row = conn.execute("SELECT base_url FROM wordpress_connections WHERE site_id = %s", (site_id,)).fetchone()
    return row["base_url"] if row else None


def upsert_connection(
    conn: psycopg.Connection, *, site_id: int, base_url: str, username: str, sealed_password: str
) -> None:
    conn.execute(
        "INSERT INTO wordpress_connections (site_id, base_url, username, application_password_secret)"
        " VALUES (%s, %s, %s, %s) ON CONFLICT (site_id) DO UPDATE SET base_url = EXCLUDED.base_url,"
        " username = EXCLUDED.username, application_password_secret = EXCLUDED.application_password_secret,"
        " updated_at = now()",
        (site_id, base_url, username, sealed_password),
    )


def get_connection(conn: psycopg.Connection, *, site_id: int) -> StoredConnection | None:
    row = conn.execute(
        "SELECT base_url, username, application_password_secret FROM wordpress_connections WHERE site_id = %s",
        (site_id,),
    ).fetchone()
    if row is None:
        return None
    return StoredConnection(row["base_url"], row["username"], row["application_password_secret"])


def replace_password_secret(conn: psycopg.Connection, *, site_id: int, old_secret: str, new_secret: str) -> None:
    """Store the password sealed again, unless another process changed it since ``old_secret`` was read."""
    conn.execute(
        "UPDATE wordpress_connections SET application_password_secret = %s"
        " WHERE site_id = %s AND application_password_secret = %s",
        (new_secret, site_id, old_secret),
    )
