"""Backlink campaigns, their targets (T1–T3 pages) and their marketplace orders. An order is written as
'planned' under its idempotency key before the marketplace is asked, so a run killed in between re-sends the
same key (the marketplace answers with the same order) instead of buying twice."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import psycopg

OPEN_STATUSES = ("planned", "ordered", "in_progress", "live")


def active_campaign(conn: psycopg.Connection, *, site_id: int) -> dict[str, Any] | None:
    return conn.execute(
        "SELECT * FROM backlink_campaigns WHERE site_id = %s AND status = 'active'", (site_id,)
    ).fetchone()


def create_campaign(
    conn: psycopg.Connection, *, site_id: int, blueprint_id: int, budget_usd: float, monthly_pace_usd: float
) -> int:
    row = conn.execute(
        "INSERT INTO backlink_campaigns (site_id, blueprint_id, budget_usd, monthly_pace_usd) VALUES (%s, %s, %s, %s)"
        " RETURNING id",
        (site_id, blueprint_id, budget_usd, monthly_pace_usd),
    ).fetchone()
    assert row is not None
    return int(row["id"])


def set_budget(conn: psycopg.Connection, *, campaign_id: int, budget_usd: float, monthly_pace_usd: float) -> None:
    conn.execute(
        "UPDATE backlink_campaigns SET budget_usd = %s, monthly_pace_usd = %s WHERE id = %s",
        (budget_usd, monthly_pace_usd, campaign_id),
    )


def add_target(
    conn: psycopg.Connection,
    *,
    campaign_id: int,
    slug: str,
    url: str,
    keyword: str,
    tier: int,
    rank: int,
    status: str,
) -> None:
    conn.execute(
        "INSERT INTO backlink_targets (campaign_id, page_slug, page_url, keyword, tier, rank, status)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (campaign_id, page_slug) DO NOTHING",
        (campaign_id, slug, url, keyword, tier, rank, status),
    )


def targets(conn: psycopg.Connection, *, campaign_id: int) -> list[dict[str, Any]]:
    return conn.execute(
        "SELECT * FROM backlink_targets WHERE campaign_id = %s ORDER BY rank", (campaign_id,)
    ).fetchall()


def set_target_status(conn: psycopg.Connection, *, target_id: int, status: str, tipped_on: date | None = None) -> None:
    conn.execute(
        "UPDATE backlink_targets SET status = %s, tipped_on = coalesce(%s, tipped_on) WHERE id = %s",
        (status, tipped_on, target_id),
    )


def orders(conn: psycopg.Connection, *, campaign_id: int) -> list[dict[str, Any]]:
    return conn.execute(
        "SELECT * FROM backlink_orders WHERE campaign_id = %s ORDER BY target_id, id", (campaign_id,)
    ).fetchall()


def insert_planned_order(conn: psycopg.Connection, **order: Any) -> int | None:
    """The order row before the marketplace is asked; None when the key exists already."""
    row = conn.execute(
        "INSERT INTO backlink_orders (campaign_id, target_id, provider, idempotency_key, publisher_id,"
        " publisher_domain, anchor_text, anchor_kind, price_usd, status, due_on) VALUES (%(campaign_id)s,"
        " %(target_id)s, %(provider)s, %(idempotency_key)s, %(publisher_id)s, %(publisher_domain)s, %(anchor_text)s,"
        " %(anchor_kind)s, %(price_usd)s, 'planned', %(due_on)s) ON CONFLICT (idempotency_key) DO NOTHING RETURNING id",
        order,
    ).fetchone()
    return int(row["id"]) if row else None


def mark_ordered(conn: psycopg.Connection, *, order_id: int, external_id: str, status: str, at: datetime) -> None:
    conn.execute(
        "UPDATE backlink_orders SET external_id = %s, status = %s, ordered_at = coalesce(ordered_at, %s) WHERE id = %s",
        (external_id, status, at, order_id),
    )


def update_order(
    conn: psycopg.Connection,
    *,
    order_id: int,
    status: str,
    live_url: str | None = None,
    problem: str | None = None,
    live_at: datetime | None = None,
    verified_at: datetime | None = None,
) -> None:
    conn.execute(
        "UPDATE backlink_orders SET status = %s, live_url = coalesce(%s, live_url), problem = %s,"
        " live_at = coalesce(live_at, %s), verified_at = coalesce(verified_at, %s) WHERE id = %s",
        (status, live_url, problem, live_at, verified_at, order_id),
    )


def spent_usd(conn: psycopg.Connection, *, campaign_id: int, since: datetime | None = None) -> float:
    """What the campaign's orders cost (planned included: they are being bought), since ``since`` if given."""
    row = conn.execute(
        "SELECT coalesce(sum(price_usd), 0) AS spent FROM backlink_orders WHERE campaign_id = %s"
        " AND status <> 'rejected' AND (%s::timestamptz IS NULL OR coalesce(ordered_at, now()) >= %s)",
        (campaign_id, since, since),
    ).fetchone()
    assert row is not None
    return float(row["spent"])
