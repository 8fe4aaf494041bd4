"""`igny8 gsc sync`: search analytics per day × page × query for the days not stored yet, and the last few
days again (Search Console's figures settle for about two days). Fetched a week at a time with the API's
paging; each week's days are replaced in one transaction, so an interrupted sync never leaves half a day."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from igny8.memory import search_console_repo as repo
from igny8.memory.database import Database
from igny8.workflows.search_console_connect import GscSession

CHUNK_DAYS = 7


@dataclass
class SyncResult:
    start: date
    end: date
    days_fetched: list[date] = field(default_factory=list)
    rows: int = 0


def days_to_fetch(*, today: date, days: int, settle_days: int, stored: set[date]) -> list[date]:
    """The days from ``today - days`` to yesterday that are missing, or recent enough to have changed."""
    first, last = today - timedelta(days=days), today - timedelta(days=1)
    settle_from = today - timedelta(days=settle_days)
    span = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [d for d in span if d not in stored or d >= settle_from]


def _runs(days: list[date]) -> list[tuple[date, date]]:
    """Consecutive days grouped into ranges of at most CHUNK_DAYS."""
    ranges: list[tuple[date, date]] = []
    for day in days:
        if ranges and day - ranges[-1][1] == timedelta(days=1) and (day - ranges[-1][0]).days < CHUNK_DAYS:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


def sync_search_analytics(
    database: Database,
    session: GscSession,
    *,
    days: int,
    settle_days: int,
    row_limit: int,
    today: date | None = None,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> SyncResult:
    today = today or datetime.now(UTC).date()
    result = SyncResult(start=today - timedelta(days=days), end=today - timedelta(days=1))
    with database.connection() as conn:
        stored = repo.synced_days(conn, site_id=session.site_id, start=result.start, end=result.end)
    wanted = days_to_fetch(today=today, days=days, settle_days=settle_days, stored=stored)
    for start, end in _runs(wanted):
        fetched = session.client.search_analytics(session.prop, start=start, end=end, row_limit=row_limit)
        # Keyed by the primary key: a repeated row (a page that moved between pages of the answer) counts once.
        unique = {(r.date, r.page_url, r.query): r for r in fetched}
        rows = [(r.date, r.page_url, r.query, r.clicks, r.impressions, r.ctr, r.position) for r in unique.values()]
        span = [start + timedelta(days=n) for n in range((end - start).days + 1)]
        with database.connection() as conn:
            result.rows += repo.replace_days(conn, site_id=session.site_id, days=span, rows=rows)
        result.days_fetched.extend(span)
        progress(len(result.days_fetched), len(wanted))
    return result
