"""Outages are weather, not errors: which failures mean "a third party is down", how long to wait before the
next try, and the line a person reads ("publishing paused: WordPress unreachable since ...").

A client's own exception class can say which service it stands for with a class attribute
``outage_service = "search_console"`` (or "social", ...); WordPress and model-provider failures are known here.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import litellm
import psycopg

from igny8.memory import outages
from igny8.tools.integrations.wordpress_client import WordPressError, WordPressTimeout, WordPressUnreachable

log = logging.getLogger(__name__)

RETRY_BASE = timedelta(minutes=1)
RETRY_CAP = timedelta(hours=1)  # far shorter than a maintenance cycle (a week by default)
_WORDPRESS_DOWN_STATUSES = frozenset({429, 500, 502, 503, 504})
_MODEL_DOWN = (
    litellm.APIConnectionError,
    litellm.ServiceUnavailableError,
    litellm.InternalServerError,
    litellm.RateLimitError,
    litellm.Timeout,
)
_WHAT_WAITS = {
    "wordpress": ("publishing", "WordPress"),
    "model": ("writing", "the model provider"),
    "search_console": ("Search Console sync", "Search Console"),
    "social": ("social posting", "the social network"),
}


def outage_service(exc: BaseException) -> str | None:
    """The service whose outage ``exc`` is, or None when it is not an outage (a bug, bad credentials...)."""
    declared = getattr(type(exc), "outage_service", None)
    if declared in outages.SERVICES:
        return str(declared)
    if isinstance(exc, (WordPressUnreachable, WordPressTimeout)):
        return "wordpress" if exc.status is None or exc.status >= 500 or isinstance(exc, WordPressTimeout) else None
    if isinstance(exc, WordPressError) and exc.status in _WORDPRESS_DOWN_STATUSES:
        return "wordpress"
    if isinstance(exc, _MODEL_DOWN):
        return "model"
    return None


def retry_delay(attempts: int) -> timedelta:
    """1, 2, 4, ... minutes after the 1st, 2nd, 3rd ... failed attempt, never more than an hour."""
    return min(RETRY_CAP, RETRY_BASE * (2 ** max(0, attempts - 1)))


def record_outage(
    conn: psycopg.Connection,
    *,
    site_id: int,
    service: str,
    exc: BaseException,
    waiting: int = 0,
    retry_tasks: list[str] | None = None,
) -> dict[str, Any]:
    """Record (or count again) the outage and log one line; returns the outage row."""
    current = outages.open_outage(conn, site_id=site_id, service=service)
    attempts = 1 + (current["attempts"] if current else 0)
    row = outages.record_failure(
        conn,
        site_id=site_id,
        service=service,
        error=f"{type(exc).__name__}: {exc}",
        retry_in=retry_delay(attempts),
        waiting=waiting,
        retry_tasks=retry_tasks,
    )
    log.warning("site %s: %s (next try %s)", site_id, describe(row), f"{row['next_retry_at']:%H:%M:%S %Z}")
    return row


def describe(outage: dict[str, Any]) -> str:
    """ "publishing paused: WordPress unreachable since 2026-12-07 16:40 UTC (3 attempts, 5 pages waiting)"."""
    what, who = _WHAT_WAITS[outage["service"]]
    since: datetime = outage["since"]
    waiting = f", {outage['waiting']} waiting" if outage.get("waiting") else ""
    attempts = outage["attempts"]
    return (
        f"{what} paused: {who} unreachable since {since:%Y-%m-%d %H:%M %Z} "
        f"({attempts} attempt{'s' if attempts != 1 else ''}{waiting}; retried automatically)"
    )


def alerts(conn: psycopg.Connection, *, site_id: int) -> list[str]:
    """The lines a site's health and dashboard show while something it depends on is down."""
    return [describe(row) for row in outages.open_outages(conn, site_id=site_id)]
