"""IndexNow: new and changed pages submitted in batches of at most 10,000 URLs to the endpoint from
settings, an unchanged page not sent again, refusals (403 key, 422 foreign URLs) told as what to fix."""

from __future__ import annotations

import httpx
import pytest

from igny8.memory.tenancy import set_site_url
from igny8.services import Services
from igny8.tools.search_console.indexnow import IndexNowError, submit_urls
from igny8.workflows.pipeline_run import run_pipeline
from igny8.workflows.search_console_indexnow import IndexNowNotConfigured, submit_changed_pages
from tests.dental_site import new_dental_site
from tests.search_console.conftest import SITE_URL
from tests.search_console.google_server import GoogleServer


def test_batches_of_10000_and_refusals(google: GoogleServer) -> None:
    key = google.state.indexnow_key
    urls = [f"{SITE_URL}/p{n}/" for n in range(10_001)]
    with httpx.Client() as http:
        done = submit_urls(http, google.indexnow_url, site_url=SITE_URL, key=key, urls=urls)
        assert [len(b.urls) for b in done] == [10_000, 1] and {b.status for b in done} == {202}
        first = google.state.indexnow_requests[0]
        assert first["host"] == "brightsmile.example" and first["keyLocation"] == f"{SITE_URL}/{key}.txt"
        with pytest.raises(IndexNowError, match="could not verify the key"):
            submit_urls(http, google.indexnow_url, site_url=SITE_URL, key="wrong-key-123", urls=urls[:1])
        with pytest.raises(IndexNowError, match="not on brightsmile.example"):
            submit_urls(http, google.indexnow_url, site_url=SITE_URL, key=key, urls=["https://elsewhere.example/x/"])
    assert len(google.state.indexnow_requests) == 3, "a foreign URL is refused before anything is sent"


def test_new_and_changed_pages_are_submitted_once(gsc_runtime: Services, google: GoogleServer) -> None:
    account, site = new_dental_site(gsc_runtime)
    run_pipeline(gsc_runtime, account_id=account, site_id=site, limit=3)
    with gsc_runtime.database.connection() as conn:
        conn.execute("UPDATE content SET status = 'approved' WHERE site_id = %s", (site,))
        set_site_url(conn, site_id=site, url=SITE_URL)
        slugs = [r["slug"] for r in conn.execute("SELECT slug FROM content WHERE site_id = %s ORDER BY id", (site,))]
    first = submit_changed_pages(gsc_runtime.database, gsc_runtime.settings, account_id=account, site_id=site)
    assert first["submitted"] == len(slugs) == 3 and first["unchanged"] == 0
    assert sorted(google.state.indexnow_requests[-1]["urlList"]) == sorted(f"{SITE_URL}/{s}/" for s in slugs)
    again = submit_changed_pages(gsc_runtime.database, gsc_runtime.settings, account_id=account, site_id=site)
    assert again["submitted"] == 0 and again["unchanged"] == 3 and len(google.state.indexnow_requests) == 1
    with gsc_runtime.database.connection() as conn:
        conn.execute("UPDATE content SET html = html || '<p>Updated opening hours.</p>' WHERE slug = %s", (slugs[1],))
    changed = submit_changed_pages(gsc_runtime.database, gsc_runtime.settings, account_id=account, site_id=site)
    assert changed["submitted"] == 1 and google.state.indexnow_requests[-1]["urlList"] == [f"{SITE_URL}/{slugs[1]}/"]

    unconfigured = gsc_runtime.settings.model_copy(update={"indexnow_key": None})
    with pytest.raises(IndexNowNotConfigured, match="IGNY8_INDEXNOW_KEY"):
        submit_changed_pages(gsc_runtime.database, unconfigured, account_id=account, site_id=site)
