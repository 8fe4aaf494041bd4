"""Stage 7 as autonomous work runs it: publish the approved pages, or, when WordPress is down, record the
outage and let the pages wait for the retry (no exception reaches the run)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from igny8.domain.blueprint import Blueprint
from igny8.memory import outages, publish_records, wordpress_connections
from igny8.memory.database import Database
from igny8.stages.outages import outage_service, record_outage
from igny8.stages.publish import publish_site
from igny8.stages.publish_connection import wordpress_client_for_site


def publish_or_wait(
    database: Database,
    *,
    account_id: int,
    site_id: int,
    blueprint: Blueprint,
    progress: Callable[[str, int, int], None] = lambda stage, done, total: None,
) -> dict[str, Any]:
    """Publish when the site is connected; returns the run's ``counts`` and ``log`` lines."""
    with database.connection() as conn:
        if wordpress_connections.connection_base_url(conn, site_id=site_id) is None:
            return {"counts": {}, "log": ["no WordPress connection: publishing skipped (`igny8 publish connect`)"]}
        client = wordpress_client_for_site(conn, account_id=account_id, site_id=site_id)
    try:
        with client:
            result = publish_site(
                database, account_id=account_id, site_id=site_id, blueprint=blueprint, client=client, progress=progress
            )
    except Exception as exc:
        if outage_service(exc) != "wordpress":
            raise
        with database.connection() as conn:
            waiting = len(publish_records.publishable_content(conn, site_id=site_id, statuses=["approved"]))
            row = record_outage(conn, site_id=site_id, service="wordpress", exc=exc, waiting=waiting)
        return {
            "counts": {"publish_waiting": waiting},
            "log": [f"WordPress unreachable: {waiting} pages wait; retry at {row['next_retry_at']:%H:%M:%S %Z}"],
        }
    with database.connection() as conn:
        outages.resolve(conn, site_id=site_id, service="wordpress")
    return {
        "counts": {
            "published_created": result.created,
            "published_updated": result.updated,
            "publish_failures": len(result.failures),
        },
        "log": [f"WordPress: {result.created} created, {result.updated} updated, {len(result.failures)} failed"],
    }
