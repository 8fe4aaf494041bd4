"""URL Inspection within its quota: the queue is refreshed from the site's live pages (new and changed first,
then hubs, then the rest by priority phase), and today's share is spent: at most the daily limit per
property (counted in PostgreSQL, so several runs in a day share it) and 600 calls a minute.

An item leaves the due set only in the transaction that stores its result. A 429 or 5xx that outlasts the
client's backoff stops the run and leaves the item (and every one after it) in the queue for the next run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta

from igny8.domain.blueprint import Blueprint
from igny8.memory import gsc_inspection_repo as repo
from igny8.memory.database import Database
from igny8.tools.search_console.errors import BadRequest, QuotaExceeded, ServiceUnavailable
from igny8.tools.search_console.page_urls import public_url
from igny8.tools.search_console.quota import MinuteLimiter, next_inspection, page_priority, quota_day
from igny8.workflows.search_console_connect import GscSession

BAD_URL_RETRY = timedelta(days=1)
# What is stored of an inspection: the record's fields, read off the client's answer of the same names.
_STORED_FIELDS = tuple(f.name for f in fields(repo.InspectionRecord) if f.name != "result")


@dataclass
class InspectionRun:
    budget: int
    inspected: int = 0
    indexed: int = 0
    failed: int = 0
    stopped: str | None = None
    quota_used: int = 0
    quota_limit: int = 0
    remaining_due: int = 0
    urls: list[str] = field(default_factory=list)


def refresh_queue(database: Database, *, site_id: int, site_url: str, blueprint: Blueprint | None) -> int:
    """Put every live page in the queue; a new or changed page becomes due now, first. Returns how many."""
    plan = {p.slug: p for p in blueprint.pages} if blueprint else {}
    with database.connection() as conn:
        pages = repo.live_pages(conn, site_id=site_id)
        queued = repo.queued_pages(conn, site_id=site_id)
        for page in pages:
            url = public_url(site_url=site_url, slug=page["slug"], wp_link=page["wp_link"])
            planned = plan.get(page["slug"])
            known_hash, known_reason = queued.get(url, (None, "new"))
            changed = url in queued and known_hash != page["content_hash"]
            if url not in queued:
                reason = "new"
            elif changed:
                reason = "changed"
            else:
                reason = known_reason  # a new or changed page keeps its place until it is inspected
            priority = page_priority(
                kind=planned.kind if planned else page["meta"].get("kind"),
                phase=planned.priority_phase if planned else page["meta"].get("priority_phase"),
                new_or_changed=reason in {"new", "changed"},
            )
            item = repo.QueueItem(url, page["id"], priority, reason, page["content_hash"])
            repo.enqueue(conn, site_id=site_id, item=item, due_now=changed or url not in queued)
    return len(pages)


def run_inspection_share(
    database: Database,
    session: GscSession,
    *,
    daily_limit: int,
    limiter: MinuteLimiter,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> InspectionRun:
    """Inspect the due pages in priority order until today's quota is spent or Google says stop."""
    started = now()
    day = quota_day(started)
    site_id, prop = session.site_id, session.prop
    with database.connection() as conn:
        used = repo.quota_used(conn, prop=prop, day=day)
        items = repo.due_items(conn, site_id=site_id, now=started, limit=max(0, daily_limit - used))
    run = InspectionRun(budget=len(items), quota_limit=daily_limit)
    for item in items:
        limiter.wait()
        try:
            result = session.client.inspect(prop, item.page_url)
        except (QuotaExceeded, ServiceUnavailable) as exc:
            with database.connection() as conn:
                repo.note_failure(conn, site_id=site_id, page_url=item.page_url, error=str(exc))
            run.stopped = (
                f"Google said stop after {run.inspected} inspections ({exc.status}); the rest waits in the queue"
            )
            break
        except BadRequest as exc:
            with database.connection() as conn:
                repo.note_failure(conn, site_id=site_id, page_url=item.page_url, error=str(exc))
                repo.postpone(conn, site_id=site_id, page_url=item.page_url, until=started + BAD_URL_RETRY)
            run.failed += 1
            continue
        inspected_at = now()
        record = repo.InspectionRecord(**{name: getattr(result, name) for name in _STORED_FIELDS}, result=result.raw)
        with database.connection() as conn:
            repo.store_result(
                conn,
                site_id=site_id,
                record=record,
                inspected_at=inspected_at,
                next_due=next_inspection(inspected_at, indexed=result.indexed),
                prop=prop,
                day=day,
            )
        run.inspected += 1
        run.indexed += int(result.indexed)
        run.urls.append(item.page_url)
        progress(run.inspected, run.budget)
    with database.connection() as conn:
        run.quota_used = repo.quota_used(conn, prop=prop, day=day)
        run.remaining_due = repo.count_due(conn, site_id=site_id, now=now())
    return run
