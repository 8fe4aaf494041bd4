"""URL Inspection within its quota: a day with 5,000 queued pages spends exactly 2,000 calls in priority
order, no more than 600 in any minute, and the next quota day resumes where it stopped; a 429 (or 5xx)
storm stops the run without losing or repeating a page; a URL Google refuses does not block the queue."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from igny8.config import Settings
from igny8.memory import gsc_inspection_repo as repo
from igny8.memory.database import Database
from igny8.memory.secret_box import SecretBox
from igny8.tools.search_console.quota import MinuteLimiter, page_priority, quota_day
from igny8.workflows.search_console_connect import open_search_console
from igny8.workflows.search_console_inspect import run_inspection_share
from tests.search_console.conftest import PROPERTY, SITE_URL
from tests.search_console.google_server import GoogleServer

PACIFIC = ZoneInfo("America/Los_Angeles")
# 09:00 Pacific tomorrow: after every page's enqueue time (due now), early in its quota day.
DAY_ONE = datetime.combine(datetime.now(PACIFIC).date() + timedelta(days=1), time(9, 0), tzinfo=PACIFIC)


class FakeClock:
    """Monotonic seconds that only move when the limiter sleeps; every call's time is kept."""

    def __init__(self) -> None:
        self.now = 0.0
        self.calls: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    def limiter(self, limit: int = 600) -> MinuteLimiter:
        def clock() -> float:
            return self.now

        limiter = MinuteLimiter(limit, clock=clock, sleep=self.sleep)
        original = limiter.wait

        def wait() -> None:
            original()
            self.calls.append(self.now)
            self.now += 0.01  # each call takes a moment

        limiter.wait = wait  # type: ignore[method-assign]
        return limiter


def _queue(database: Database, site_id: int, count: int) -> list[tuple[int, str]]:
    """``count`` pages as refresh_queue files them: new/changed, hubs, phases 1–4, unplanned."""
    kinds = (
        [("new", None, None, True)] * 2
        + [("hub", "hub", 1, False)]
        + [("phase", "supporting", phase, False) for phase in (1, 2, 3, 4)]
        + [("rest", "term", None, False)]
    )
    planted = []
    with database.connection() as conn:
        for n in range(count):
            reason, kind, phase, fresh = kinds[(n * 7) % len(kinds)]
            priority = page_priority(kind=kind, phase=phase, new_or_changed=fresh)
            url = f"{SITE_URL}/page-{n:05d}/"
            repo.enqueue(conn, site_id=site_id, item=repo.QueueItem(url, None, priority, reason, f"h{n}"), due_now=True)
            planted.append((priority, url))
    return sorted(planted)


def test_quota_days_follow_pacific_time() -> None:
    late_utc = datetime(2026, 12, 8, 7, 30, tzinfo=ZoneInfo("UTC"))  # 23:30 on the 7th in California
    assert quota_day(late_utc).isoformat() == "2026-12-07"
    assert quota_day(late_utc + timedelta(hours=1)).isoformat() == "2026-12-08"


def test_a_5000_page_day_spends_exactly_the_quota_in_priority_order_and_resumes(
    database: Database,
    gsc_settings: Settings,
    secrets: SecretBox,
    connected_site: int,
    google: GoogleServer,
) -> None:
    site_id = connected_site
    expected = [url for _, url in _queue(database, site_id, 5000)]
    google.state.index_states = {url: "NEUTRAL" for url in expected[::5]}  # every fifth page not indexed yet
    clock = FakeClock()
    with open_search_console(database, gsc_settings, secrets, site_id=site_id) as session:
        day_one = run_inspection_share(
            database, session, daily_limit=2000, limiter=clock.limiter(), now=lambda: DAY_ONE
        )
        assert (day_one.inspected, day_one.quota_used, day_one.stopped) == (2000, 2000, None)
        assert google.state.inspected == expected[:2000], "exactly the quota, in priority order"
        assert day_one.remaining_due == 3000
        in_any_minute = max(sum(1 for t in clock.calls if start <= t < start + 60) for start in clock.calls)
        assert in_any_minute == 600 and clock.now >= 180, "600 a minute at most: 2,000 calls take over 3 minutes"

        # Same quota day, later: nothing left to spend.
        again = run_inspection_share(
            database, session, daily_limit=2000, limiter=clock.limiter(), now=lambda: DAY_ONE + timedelta(hours=10)
        )
        assert again.inspected == 0 and len(google.state.inspected) == 2000

        google.state.new_quota_day()
        day_two = run_inspection_share(
            database, session, daily_limit=2000, limiter=clock.limiter(), now=lambda: DAY_ONE + timedelta(days=1)
        )
        assert day_two.inspected == 2000
        assert google.state.inspected[2000:] == expected[2000:4000], "the next day resumes where it stopped"

        google.state.new_quota_day()
        day_three = run_inspection_share(
            database, session, daily_limit=2000, limiter=clock.limiter(), now=lambda: DAY_ONE + timedelta(days=2)
        )
        assert google.state.inspected[4000:] == expected[4000:] and day_three.inspected == 1000

        # Day four: the pages not indexed on day one are due again (3 days), indexed ones are not (14 days).
        google.state.new_quota_day()
        day_four = run_inspection_share(
            database,
            session,
            daily_limit=2000,
            limiter=clock.limiter(),
            now=lambda: DAY_ONE + timedelta(days=3, hours=1),
        )
        not_indexed_day_one = {url for url in expected[:2000] if google.state.index_states.get(url) == "NEUTRAL"}
        assert set(day_four.urls) == not_indexed_day_one and day_four.indexed == 0
    with database.connection() as conn:
        results = repo.inspection_results(conn, site_id=site_id)
        assert len(results) == 5000
        assert repo.quota_used(conn, prop=PROPERTY, day=quota_day(DAY_ONE)) == 2000
        indexed = repo.indexed_urls(conn, site_id=site_id)
    assert indexed is not None and len(indexed) == 4000
    sample = next(r for r in results if r["page_url"] == expected[1])
    assert sample["coverage_state"] == "Submitted and indexed" and sample["google_canonical"] == expected[1]


@pytest.mark.parametrize("status", [429, 503])
def test_a_storm_of_errors_loses_and_repeats_nothing(
    database: Database,
    gsc_settings: Settings,
    secrets: SecretBox,
    connected_site: int,
    google: GoogleServer,
    status: int,
) -> None:
    site_id = connected_site
    expected = [url for _, url in _queue(database, site_id, 300)]
    clock = FakeClock()
    day = DAY_ONE + timedelta(days=20 if status == 429 else 30)  # the quota is the property's: another day's

    def storm_after_100(done: int, total: int) -> None:
        if done == 100:
            google.state.fail_next(5, status=status)  # more than the client's 3 tries

    with open_search_console(database, gsc_settings, secrets, site_id=site_id, sleep=clock.sleep) as session:
        first = run_inspection_share(
            database, session, daily_limit=2000, limiter=clock.limiter(), now=lambda: day, progress=storm_after_100
        )
        assert first.inspected == 100 and first.stopped and str(status) in first.stopped
        assert first.remaining_due == 200
        second = run_inspection_share(
            database, session, daily_limit=2000, limiter=clock.limiter(), now=lambda: day + timedelta(minutes=30)
        )
        assert second.inspected == 200 and second.stopped is None
        assert session.client.retries >= 4
    assert google.state.inspected == expected, "every page once, in order, none lost"
    with database.connection() as conn:
        assert repo.quota_used(conn, prop=PROPERTY, day=quota_day(day)) == 300, "failed calls are not counted"
        assert repo.count_due(conn, site_id=site_id, now=day + timedelta(hours=1)) == 0


def test_google_refusing_one_url_does_not_block_the_queue(
    database: Database,
    gsc_settings: Settings,
    secrets: SecretBox,
    connected_site: int,
    google: GoogleServer,
) -> None:
    site_id = connected_site
    with database.connection() as conn:
        repo.enqueue(conn, site_id=site_id, item=repo.QueueItem("not-a-url", None, 0, "new", "x"), due_now=True)
    expected = [url for _, url in _queue(database, site_id, 5)]
    with open_search_console(database, gsc_settings, secrets, site_id=site_id) as session:
        day = DAY_ONE + timedelta(days=40)
        run = run_inspection_share(database, session, daily_limit=2000, limiter=FakeClock().limiter(), now=lambda: day)
    assert (run.inspected, run.failed) == (5, 1) and google.state.inspected == expected
    with database.connection() as conn:
        assert repo.count_due(conn, site_id=site_id, now=day + timedelta(hours=25)) == 1, "retried tomorrow"


def test_the_minute_limiter_never_spins_on_float_rounding() -> None:
    clock = FakeClock()
    limiter = clock.limiter(limit=3)
    for _ in range(10):
        limiter.wait()
    assert len(clock.calls) == 10
    assert all(b - a >= 60 for a, b in zip(clock.calls, clock.calls[3:], strict=False)), "3 a minute at most"
