"""`sync`: daily rows per page × query fetched with rowLimit/startRow paging, stored in PostgreSQL; the days
already stored are not fetched again except the last few (the data settles); a 429 in the middle of the
paging is answered with backoff and loses no row; a row of the wrong shape is skipped."""

from __future__ import annotations

from datetime import date, timedelta

from igny8.config import Settings
from igny8.memory.database import Database
from igny8.memory.secret_box import SecretBox
from igny8.workflows.search_console_connect import open_search_console
from igny8.workflows.search_console_sync import days_to_fetch, sync_search_analytics
from tests.search_console.conftest import PROPERTY, SITE_URL, analytics_row
from tests.search_console.google_server import GoogleServer

TODAY = date(2026, 12, 7)


def _plant(google: GoogleServer, days: int, pages: int = 5, queries: int = 4, clicks_offset: int = 0) -> int:
    rows = []
    for d in range(1, days + 1):
        day = (TODAY - timedelta(days=d)).isoformat()
        for p in range(pages):
            for q in range(queries):
                rows.append(
                    analytics_row(
                        day, f"{SITE_URL}/page-{p}/", f"query {p} {q}", p + q + clicks_offset, 50 + p, 3.5 + q
                    )
                )
    google.state.rows[PROPERTY] = rows
    return len(rows)


def _stored(database: Database, site_id: int) -> list[dict]:
    with database.connection() as conn:
        return conn.execute(
            "SELECT date, page_url, query, clicks, impressions, ctr, position FROM gsc_search_analytics"
            " WHERE site_id = %s ORDER BY date, page_url, query",
            (site_id,),
        ).fetchall()


def test_days_to_fetch_skips_stored_days_but_refetches_the_settling_ones() -> None:
    stored = {TODAY - timedelta(days=d) for d in range(1, 11)}
    wanted = days_to_fetch(today=TODAY, days=14, settle_days=3, stored=stored)
    assert wanted == [TODAY - timedelta(days=d) for d in (14, 13, 12, 11, 3, 2, 1)]


def test_sync_pages_through_every_row_and_stores_them(
    database: Database,
    gsc_settings: Settings,
    secrets: SecretBox,
    connected_site: int,
    google: GoogleServer,
) -> None:
    site_id = connected_site
    planted = _plant(google, days=10)
    google.state.analytics_requests.clear()
    with open_search_console(database, gsc_settings, secrets, site_id=site_id) as session:
        result = sync_search_analytics(database, session, days=10, settle_days=3, row_limit=37, today=TODAY)
    assert result.rows == planted == 200
    requests = google.state.analytics_requests
    assert all(r["rowLimit"] == 37 and r["dimensions"] == ["date", "page", "query"] for r in requests)
    first_week = [r["startRow"] for r in requests if r["startDate"] == (TODAY - timedelta(days=10)).isoformat()]
    assert first_week == [0, 37, 74, 111], "seven days × 20 rows = 140 rows in pages of 37"
    rows = _stored(database, site_id)
    assert len(rows) == 200 and rows[0]["date"] == TODAY - timedelta(days=10)
    sample = next(r for r in rows if r["page_url"].endswith("/page-2/") and r["query"] == "query 2 1")
    assert (sample["clicks"], sample["impressions"], sample["position"]) == (3, 52, 4.5)

    # The next day: only the new day and the settling days are fetched; changed figures replace the old ones.
    _plant(google, days=10, clicks_offset=100)
    google.state.analytics_requests.clear()
    with open_search_console(database, gsc_settings, secrets, site_id=site_id) as session:
        again = sync_search_analytics(database, session, days=10, settle_days=3, row_limit=37, today=TODAY)
    assert again.days_fetched == [TODAY - timedelta(days=d) for d in (3, 2, 1)]
    rows = _stored(database, site_id)
    assert len(rows) == 200, "re-fetched days are replaced, never duplicated"
    assert {r["clicks"] >= 100 for r in rows if r["date"] >= TODAY - timedelta(days=3)} == {True}
    assert {r["clicks"] < 100 for r in rows if r["date"] < TODAY - timedelta(days=3)} == {True}


def test_a_429_in_the_middle_of_paging_loses_no_row_and_bad_rows_are_skipped(
    database: Database,
    gsc_settings: Settings,
    secrets: SecretBox,
    connected_site: int,
    google: GoogleServer,
) -> None:
    site_id = connected_site
    planted = _plant(google, days=4)
    google.state.rows[PROPERTY].append(
        {
            "keys": [(TODAY - timedelta(days=2)).isoformat(), 5, "y"],
            "clicks": 0,
            "impressions": 1,
            "ctr": 0,
            "position": 1,
        }
    )
    google.state.rows[PROPERTY].append({"keys": [(TODAY - timedelta(days=1)).isoformat(), "x"], "clicks": 0})
    slept: list[float] = []
    with open_search_console(database, gsc_settings, secrets, site_id=site_id, sleep=slept.append) as session:
        google.state.fail_next(2, status=429, retry_after=1.5)
        result = sync_search_analytics(database, session, days=4, settle_days=1, row_limit=25, today=TODAY)
        assert session.client.retries == 2
    assert slept == [1.5, 1.5], "Retry-After is honoured"
    assert result.rows == planted == 80
    assert len(_stored(database, site_id)) == 80
