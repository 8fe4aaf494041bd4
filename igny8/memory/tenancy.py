"""Accounts and their sites: every read below the account level is scoped by account."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import psycopg

LOCAL_ACCOUNT = "local"


class NotFound(LookupError):
    """The record does not exist for this account (another tenant's id looks the same as a missing one)."""


@dataclass(frozen=True, slots=True)
class Site:
    id: int
    account_id: int
    name: str
    url: str | None
    site_type: str
    industry: str
    sectors: tuple[str, ...]


def create_account(conn: psycopg.Connection, *, name: str) -> int:
    row = conn.execute("INSERT INTO accounts (name) VALUES (%s) RETURNING id", (name,)).fetchone()
    assert row is not None
    return int(row["id"])


@dataclass(frozen=True, slots=True)
class AccountSummary:
    id: int
    name: str
    created_at: datetime
    sites: int


def account_exists(conn: psycopg.Connection, *, account_id: int) -> bool:
    return conn.execute("SELECT 1 FROM accounts WHERE id = %s", (account_id,)).fetchone() is not None


def get_account_summary(conn: psycopg.Connection, *, account_id: int) -> AccountSummary | None:
    """The account with how many sites it has."""
    row = conn.execute(
        "SELECT a.id, a.name, a.created_at, (SELECT count(*) FROM sites s WHERE s.account_id = a.id)"
        " AS sites FROM accounts a WHERE a.id = %s",
        (account_id,),
    ).fetchone()
    return AccountSummary(row["id"], row["name"], row["created_at"], row["sites"]) if row else None


def local_account(conn: psycopg.Connection) -> int:
    """The account the command line works in when no other is named (created on first use)."""
    row = conn.execute("SELECT id FROM accounts WHERE name = %s ORDER BY id LIMIT 1", (LOCAL_ACCOUNT,)).fetchone()
    return int(row["id"]) if row else create_account(conn, name=LOCAL_ACCOUNT)


def create_site(
    conn: psycopg.Connection,
    *,
    account_id: int,
    name: str,
    url: str | None,
    site_type: str,
    industry: str,
    sectors: list[str],
) -> Site:
    row = conn.execute(
        "INSERT INTO sites (account_id, name, url, site_type, industry) VALUES (%s, %s, %s, %s, %s) RETURNING id",
        (account_id, name, url, site_type, industry),
    ).fetchone()
    assert row is not None
    site_id = int(row["id"])
    for position, sector in enumerate(sectors, start=1):
        conn.execute(
            "INSERT INTO site_sectors (site_id, sector, position) VALUES (%s, %s, %s)", (site_id, sector, position)
        )
    return Site(site_id, account_id, name, url, site_type, industry, tuple(sectors))


def site_account(conn: psycopg.Connection, *, site_id: int) -> int | None:
    """The account that owns the site, for work with no tenant of its own (the maintenance worker)."""
    row = conn.execute("SELECT account_id FROM sites WHERE id = %s", (site_id,)).fetchone()
    return int(row["account_id"]) if row else None


def replace_site_sectors(conn: psycopg.Connection, *, site_id: int, sectors: list[str]) -> None:
    """The site's sectors become ``sectors``, in that order. Check the site's account first (get_site)."""
    conn.execute("DELETE FROM site_sectors WHERE site_id = %s", (site_id,))
    for position, sector in enumerate(sectors, start=1):
        conn.execute(
            "INSERT INTO site_sectors (site_id, sector, position) VALUES (%s, %s, %s)", (site_id, sector, position)
        )


def get_site(conn: psycopg.Connection, *, account_id: int, site_id: int) -> Site:
    row = conn.execute(
        "SELECT id, account_id, name, url, site_type, industry FROM sites WHERE id = %s AND account_id = %s",
        (site_id, account_id),
    ).fetchone()
    if row is None:
        raise NotFound(f"site {site_id} not found")
    sectors = conn.execute(
        "SELECT sector FROM site_sectors WHERE site_id = %s ORDER BY position", (site_id,)
    ).fetchall()
    return Site(
        row["id"],
        row["account_id"],
        row["name"],
        row["url"],
        row["site_type"],
        row["industry"],
        tuple(s["sector"] for s in sectors),
    )


def list_sites(conn: psycopg.Connection, *, account_id: int) -> list[Site]:
    ids = conn.execute("SELECT id FROM sites WHERE account_id = %s ORDER BY id", (account_id,)).fetchall()
    return [get_site(conn, account_id=account_id, site_id=r["id"]) for r in ids]


def set_site_url(conn: psycopg.Connection, *, site_id: int, url: str) -> None:
    conn.execute("UPDATE sites SET url = %s WHERE id = %s", (url, site_id))
