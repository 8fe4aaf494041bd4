"""What Search Console tells the health score: which of our pages Google has indexed (by slug), and how well
the latest 28 days held the clicks of the 28 before. None where nothing was inspected or synced yet."""

from __future__ import annotations

from dataclasses import dataclass

from igny8.memory.database import Database
from igny8.memory.gsc_inspection_repo import indexed_urls
from igny8.memory.search_console_repo import clicks_between, latest_day
from igny8.tools.search_console.analysis import clicks_trend, periods
from igny8.tools.search_console.page_urls import slug_of_url


@dataclass(frozen=True, slots=True)
class SearchSignals:
    indexed_slugs: set[str] | None
    clicks_held: float | None


def search_signals(database: Database, *, site_id: int) -> SearchSignals:
    with database.connection() as conn:
        indexed = indexed_urls(conn, site_id=site_id)
        latest = latest_day(conn, site_id=site_id)
        clicks = (
            [clicks_between(conn, site_id=site_id, start=s, end=e)[0] for s, e in periods(latest, 2)] if latest else []
        )
    return SearchSignals(
        indexed_slugs={slug_of_url(url) for url in indexed} if indexed is not None else None,
        clicks_held=clicks_trend(clicks[0], clicks[1]) if clicks else None,
    )
