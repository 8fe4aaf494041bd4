"""API keys: random, shown once, stored as a SHA-256 hash with a lookup prefix. An account key reaches every
site of its account; a site key (the WordPress plugin's) reaches that site only."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

import psycopg

KEY_PREFIX = "igny8_"
REVOCATION_CHANNEL = "igny8_api_keys"  # NOTIFY on revocation: servers drop their cached key lookups


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
    """Revoke the site's keys and tell every server process to forget the keys it cached (on commit)."""
    revoked = conn.execute(
        "UPDATE api_keys SET revoked_at = now() WHERE site_id = %s AND revoked_at IS NULL", (site_id,)
    ).rowcount
    conn.execute(f"NOTIFY {REVOCATION_CHANNEL}")
    return revoked


_LOOKUP = "SELECT id, account_id, site_id, key_hash FROM api_keys WHERE prefix = %s AND revoked_at IS NULL"


def _lookup_prefix(key: str | None) -> str | None:
    if not key or not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    return key[len(KEY_PREFIX) :].split("_", 1)[0]


def _principal(row: dict[str, Any] | None, key: str) -> Principal | None:
    if row is None or not hmac.compare_digest(row["key_hash"], _hash(key)):
        return None
    return Principal(account_id=row["account_id"], site_id=row["site_id"], key_id=row["id"])


def authenticate(conn: psycopg.Connection, key: str | None) -> Principal | None:
    prefix = _lookup_prefix(key)
    if prefix is None:
        return None
    return _principal(conn.execute(_LOOKUP, (prefix,)).fetchone(), key or "")


async def authenticate_async(conn: psycopg.AsyncConnection, key: str | None) -> Principal | None:
    """``authenticate`` on an async connection (the service's request path)."""
    prefix = _lookup_prefix(key)
    if prefix is None:
        return None
    cursor = await conn.execute(_LOOKUP, (prefix,))
    return _principal(await cursor.fetchone(), key or "")
