"""WordPress down during scheduled maintenance: the run finishes its other tasks, the approved pages wait,
the site's status says why, and when WordPress is back the worker's retry publishes each page exactly once."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import dict_row

from igny8.memory import outages
from igny8.services import Services
from igny8.workflows.maintenance_worker import retry_due_outages, run_site_maintenance
from igny8.workflows.pipeline_run import pipeline_status
from tests.wordpress.test_publish import _build, _connect, _content, _rest, _total
from tests.wordpress.testbed import WordPressTestbed

pytestmark = [pytest.mark.wordpress, pytest.mark.slow]


def _retry_now(runtime: Services, site_id: int) -> None:
    with runtime.database.connection() as conn:
        conn.execute("UPDATE service_outages SET next_retry_at = now() WHERE site_id = %s", (site_id,))


def test_maintenance_with_wordpress_down_waits_then_publishes_each_page_once(
    runtime: Services, active_site: tuple[int, int], wordpress: WordPressTestbed
) -> None:
    account, site_id = active_site
    _build(runtime, active_site, 2)
    with runtime.database.connection() as conn:  # a person approved them in the review queue
        conn.execute('UPDATE content SET meta = meta || \'{"approved_by": "person"}\' WHERE site_id = %s', (site_id,))
    _connect(runtime, active_site, wordpress)
    wordpress.take_down()
    try:
        with psycopg.connect(runtime.database.url, autocommit=True, row_factory=dict_row) as lock_conn:
            report = run_site_maintenance(runtime, lock_conn, site_id=site_id, tasks=["links", "gaps", "health"])
            assert report is not None and "error" not in report, report
            assert report["gaps"]["written"] >= 1 and report["links"]["orphans_after"] == 0
            assert any("publishing paused: WordPress unreachable since" in a for a in report["alerts"]), report

            with runtime.database.connection() as conn:
                outage = outages.open_outage(conn, site_id=site_id, service="wordpress")
                approved = [r for r in _content(runtime, site_id) if r["status"] == "approved"]
            assert outage is not None and outage["waiting"] == len(approved) > 0
            assert all(r["wp_id"] is None for r in _content(runtime, site_id)), "nothing reached WordPress"
            status = pipeline_status(runtime, account_id=account, site_id=site_id)
            assert status["alerts"] and "WordPress unreachable" in status["alerts"][0]

            # Still down at the retry: one more attempt counted, the next one later (backoff), nothing lost.
            _retry_now(runtime, site_id)
            retry_due_outages(runtime, lock_conn)
            with runtime.database.connection() as conn:
                again = outages.open_outage(conn, site_id=site_id, service="wordpress")
                backoff = conn.execute("SELECT %s - now() AS wait", (again["next_retry_at"],)).fetchone()["wait"]
            assert again["attempts"] == 2 and again["id"] == outage["id"]
            assert 60 < backoff.total_seconds() <= 120

            wordpress.bring_back()
            _retry_now(runtime, site_id)
            assert retry_due_outages(runtime, lock_conn) == 1
            assert retry_due_outages(runtime, lock_conn) == 0, "a resolved outage is not retried again"
    finally:
        if not wordpress.is_up:
            wordpress.bring_back()

    rows = _content(runtime, site_id)
    published = [r for r in rows if r["wp_id"] is not None]
    assert len(published) == len(approved)
    with _rest(wordpress) as rest:
        assert _total(rest, "posts") + _total(rest, "pages") == len(approved), "each page exactly once"
    with runtime.database.connection() as conn:
        assert outages.open_outages(conn, site_id=site_id) == []
        assert outages.history(conn, site_id=site_id)[0]["resolved_at"] is not None
    assert pipeline_status(runtime, account_id=account, site_id=site_id)["alerts"] == []
