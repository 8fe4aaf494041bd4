"""IndexNow for a site: its new and changed live pages (the content hash differs from the last accepted
submission) are submitted in batches, and each accepted URL is recorded with its hash."""

from __future__ import annotations

from typing import Any

import httpx

from igny8.config import Settings
from igny8.memory import gsc_findings_repo as submissions
from igny8.memory.database import Database
from igny8.memory.gsc_inspection_repo import live_pages
from igny8.memory.tenancy import get_site
from igny8.tools.search_console.indexnow import key_location, submit_urls
from igny8.tools.search_console.page_urls import public_url


class IndexNowNotConfigured(LookupError):
    """No IndexNow key, or a site without a URL."""


def submit_changed_pages(database: Database, settings: Settings, *, account_id: int, site_id: int) -> dict[str, Any]:
    key = settings.indexnow_key
    if not key:
        raise IndexNowNotConfigured(
            "no IndexNow key: set IGNY8_INDEXNOW_KEY to 8–128 letters, digits or dashes, and serve the same key as "
            "the text of https://<your site>/<key>.txt (the IGNY8 plugin serves it when configured)"
        )
    with database.connection() as conn:
        site = get_site(conn, account_id=account_id, site_id=site_id)
        if not site.url:
            raise IndexNowNotConfigured(f"site {site_id} has no URL: set it before submitting to IndexNow")
        pages = live_pages(conn, site_id=site_id)
        sent = submissions.last_submitted_hashes(conn, site_id=site_id)
    current = {public_url(site_url=site.url, slug=p["slug"], wp_link=p["wp_link"]): p["content_hash"] for p in pages}
    changed = {url: digest for url, digest in current.items() if sent.get(url) != digest}
    with httpx.Client(timeout=settings.gsc_timeout_s) as http:
        done = submit_urls(http, settings.indexnow_endpoint, site_url=site.url, key=key, urls=list(changed))
    with database.connection() as conn:
        for batch in done:
            submissions.record_submissions(
                conn, site_id=site_id, urls={u: changed[u] for u in batch.urls}, status_code=batch.status
            )
    return {
        "submitted": sum(len(b.urls) for b in done),
        "unchanged": len(current) - len(changed),
        "batches": [{"urls": len(b.urls), "status": b.status} for b in done],
        "key_location": key_location(site.url, key),
    }
