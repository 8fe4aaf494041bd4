"""API keys: random, shown once, stored as a SHA-256 hash with a lookup prefix. An account key reaches every
site of its account; a site key (the WordPress plugin's) reaches that site only."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

import psycopg

KEY_PREFIX = "igny8_"


@dataclass(frozen=True, slots=True)
class Principal:
    account_id: int
    site_id: int | None  # None: an account key
    key_id: int

    def may_access(self, site_id: int) -> bool:
        return self.site_id is None or self.site_id == site_id


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(conn: psycopg.Connection, *, account_id: int, site_id: int | None, label: str = "") -> str:
    """Create a key and return it; only its hash is stored, so this is the one time it can be shown."""
    prefix = secrets.token_hex(6)
    key = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    conn.execute(
        "INSERT INTO api_keys (account_id, site_id, prefix, key_hash, label) VALUES (%s, %s, %s, %s, %s)",
        (account_id, site_id, prefix, _hash(key), label),
    )
    return key


def revoke_site_keys(conn: psycopg.Connection, *, site_id: int) -> int:
    return conn.execute(
        "UPDATE api_keys SET revoked_at = now() WHERE site_id = %s AND revoked_at IS NULL", (site_id,)
    ).rowcount


def authenticate(conn: psycopg.Connection, key: str | None) -> Principal | None:
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    prefix = key[len(KEY_PREFIX) :].split("_", 1)[0]
    row = conn.execute(
        "SELECT id, account_id, site_id, key_hash FROM api_keys WHERE prefix = %s AND revoked_at IS NULL", (prefix,)
    ).fetchone()
    if row is None or not hmac.compare_digest(row["key_hash"], _hash(key)):
        return None
    return Principal(account_id=row["account_id"], site_id=row["site_id"], key_id=row["id"])
