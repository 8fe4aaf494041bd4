"""The plugin's reads (health, the blueprint views, the content queue) are answered from memory, and never
from stale memory: with reads and keys kept for 300 s, every committed change to the site (made by another
connection, as another process would) reaches the answers within moments, through the change notices alone.
Concurrent misses share one read, and a read that raced a change is not kept."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from igny8.api.app import create_app
from igny8.api.single_flight import SingleFlight
from igny8.memory.api_keys import issue_key
from igny8.memory.site_read_cache import MISS, SiteReadCache
from igny8.services import Services
from igny8.workflows.pipeline_run import run_pipeline
from tests.dental_site import activate_version_without, new_dental_site


@pytest.fixture(scope="module")
def held(api_runtime: Services) -> Iterator[tuple[Services, TestClient]]:
    """An app that keeps the plugin's reads and key lookups for 300 s: only a notice can refresh them."""
    settings = api_runtime.settings.model_copy(update={"api_read_cache_s": 300.0, "api_key_cache_s": 300.0})
    runtime = Services(settings, api_runtime.database, api_runtime.gateway, api_runtime.embedder, api_runtime.catalog)
    with TestClient(create_app(runtime)) as client:
        yield runtime, client


@pytest.fixture(scope="module")
def polled_site(held: tuple[Services, TestClient]) -> tuple[int, int, dict[str, str]]:
    """A dental site with three approved pages waiting for the plugin; (account, site, the site key's header)."""
    runtime, _ = held
    account, site = new_dental_site(runtime, name="Polled Often")
    run_pipeline(runtime, account_id=account, site_id=site, limit=3, stages=["ideas", "tasks", "content"])
    with runtime.database.connection() as conn:
        conn.execute("UPDATE content SET status = 'approved' WHERE site_id = %s", (site,))
        key = issue_key(conn, account_id=account, site_id=site, label="site")
    return account, site, {"X-IGNY8-API-KEY": key}


def eventually(check: Callable[[], bool], seconds: float = 5.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"still not true after {seconds} s"
        time.sleep(0.05)


def test_the_queue_follows_committed_changes(
    held: tuple[Services, TestClient], polled_site: tuple[int, int, dict[str, str]]
) -> None:
    runtime, client = held
    headers = polled_site[2]

    def queued() -> list[int]:
        answer = client.get("/api/v1/plugin/queue", headers=headers)
        assert answer.status_code == 200, answer.text
        return [item["content_id"] for item in answer.json()["data"]]

    first = queued()
    assert len(first) == 3
    assert queued() == first  # now held in memory

    # Another connection sends one page back to review and commits: the notice clears the site's reads.
    with runtime.database.connection() as conn:
        conn.execute("UPDATE content SET status = 'review' WHERE id = %s", (first[0],))
    eventually(lambda: queued() == first[1:])
    review = client.get("/api/v1/plugin/queue?include_review=true", headers=headers).json()["data"]
    assert sorted(item["content_id"] for item in review) == sorted(first)

    # The plugin confirms a page: this process's very next pull leaves it out, no waiting for the notice.
    confirmed = client.post(
        "/api/v1/plugin/sync-events",
        headers=headers,
        json={"events": [{"content_id": first[1], "status": "published", "wp_id": 41, "url": "https://e.com/p"}]},
    )
    assert confirmed.status_code == 200, confirmed.text
    assert queued() == first[2:]

    # An edit of a queued page's text reaches the queue as well.
    with runtime.database.connection() as conn:
        conn.execute("UPDATE content SET title = 'Retitled While Queued' WHERE id = %s", (first[2],))
    eventually(
        lambda: (
            [i["title"] for i in client.get("/api/v1/plugin/queue", headers=headers).json()["data"]]
            == ["Retitled While Queued"]
        )
    )


def test_health_and_views_follow_a_new_active_version(
    held: tuple[Services, TestClient], polled_site: tuple[int, int, dict[str, str]]
) -> None:
    runtime, client = held
    account, site, headers = polled_site
    before = client.get("/api/v1/plugin/blueprint", headers=headers)
    assert client.get("/api/v1/plugin/health", headers=headers).json()["data"]["active_blueprint_version"] == 1
    version = activate_version_without(runtime, account, site, ["Dentures"])
    assert version == 2
    eventually(
        lambda: client.get("/api/v1/plugin/health", headers=headers).json()["data"]["active_blueprint_version"] == 2
    )
    after = client.get("/api/v1/plugin/blueprint", headers=headers)
    assert after.json()["data"]["version"] == 2 and after.headers["ETag"] != before.headers["ETag"]
    # The ETag the plugin held for version 1 now gets the new view, not a 304.
    assert (
        client.get("/api/v1/plugin/blueprint", headers={**headers, "If-None-Match": before.headers["ETag"]}).status_code
        == 200
    )


def test_concurrent_misses_share_one_read() -> None:
    flights = SingleFlight()
    reads = 0

    async def slow_read() -> str:
        nonlocal reads
        reads += 1
        await asyncio.sleep(0.05)
        return f"answer {reads}"

    async def failing_read() -> str:
        raise ConnectionError("the database went away")

    async def scenario() -> None:
        waiters = [asyncio.create_task(flights.run("k", slow_read)) for _ in range(50)]
        await asyncio.sleep(0.01)
        waiters[0].cancel()  # one request timed out: the read goes on for the others
        answers = await asyncio.gather(*waiters[1:])
        assert set(answers) == {"answer 1"} and reads == 1 and len(flights) == 0
        assert await flights.run("k", slow_read) == "answer 2"  # a later miss reads again
        failures = await asyncio.gather(*(flights.run("f", failing_read) for _ in range(3)), return_exceptions=True)
        assert all(isinstance(f, ConnectionError) for f in failures) and len(flights) == 0

    asyncio.run(scenario())


def test_a_read_that_raced_a_change_is_not_kept() -> None:
    cache = SiteReadCache(ttl_s=300)
    taken = cache.generation(7)
    cache.on_notice("7")  # the site changed while the read ran
    cache.put(7, "queue", "what the read saw before the change", taken)
    assert cache.get(7, "queue") is MISS

    taken = cache.generation(7)
    cache.put(7, "queue", "fresh", taken)
    cache.on_notice("8")  # another site's change leaves this one alone
    assert cache.get(7, "queue") == "fresh"
    cache.on_notice("7")
    assert cache.get(7, "queue") is MISS

    taken = cache.generation(7)
    cache.clear()  # the listener reconnected: everything read before is suspect
    cache.put(7, "queue", "stale", taken)
    assert cache.get(7, "queue") is MISS

    short = SiteReadCache(ttl_s=0.05)
    short.put(1, "active", (3, 1), short.generation(1))
    assert short.get(1, "active") == (3, 1)
    time.sleep(0.06)
    assert short.get(1, "active") is MISS
    off = SiteReadCache(ttl_s=0)
    off.put(1, "active", (3, 1), off.generation(1))
    assert off.get(1, "active") is MISS
