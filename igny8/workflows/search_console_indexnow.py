"""IndexNow for a site: its new and changed live pages (the content hash differs from the last accepted
submission) are submitted in batches, and each accepted URL is recorded with its hash.

When the site's IGNY8 Bridge plugin is connected, the key is first handed to it (``POST igny8/v1/indexnow-key``
with the plugin's secret): the plugin serves it as ``<home>/<key>.txt`` and the submission names the location
the plugin answers. Without the plugin the owner serves the file at ``<site URL>/<key>.txt``."""

from __future__ import annotations

from typing import Any

import httpx
import psycopg

from igny8.config import Settings
from igny8.memory import gsc_findings_repo as submissions
from igny8.memory.database import Database
from igny8.memory.gsc_inspection_repo import live_pages
from igny8.memory.plugin_bridges import get_bridge
from igny8.memory.secret_box import secret_box_for
from igny8.memory.tenancy import get_site
from igny8.stages.plugin_bridge import plugin_client_for_site
from igny8.tools.search_console.indexnow import (
    IndexNowError,
    check_key,
    check_key_location,
    key_location,
    submit_urls,
)
from igny8.tools.search_console.page_urls import public_url

PLUGIN_KEY_PATH = "/indexnow-key"


class IndexNowNotConfigured(LookupError):
    """No IndexNow key, or a site without a URL."""


def serve_key_on_plugin(
    conn: psycopg.Connection, settings: Settings, *, account_id: int, site_id: int, site_url: str, key: str
) -> str | None:
    """Hand the key to the site's plugin, which serves its file; the file's URL, or None without a plugin."""
    if get_bridge(conn, site_id=site_id) is None:
        return None
    with plugin_client_for_site(
        conn, account_id=account_id, site_id=site_id, secrets=secret_box_for(settings)
    ) as client:
        answer = client.call("POST", PLUGIN_KEY_PATH, {"key": check_key(key)})
    location = answer.get("key_location") if isinstance(answer, dict) else None
    if not isinstance(location, str) or answer.get("key") != key:
        raise IndexNowError("the IGNY8 plugin did not confirm the IndexNow key: update the plugin and try again")
    return check_key_location(location, site_url=site_url, key=key)


def submit_changed_pages(database: Database, settings: Settings, *, account_id: int, site_id: int) -> dict[str, Any]:
    key = settings.indexnow_key
    if not key:
        raise IndexNowNotConfigured(
            "no IndexNow key: set IGNY8_INDEXNOW_KEY to 8–128 letters, digits or dashes; the site's IGNY8 plugin "
            "serves it as https://<your site>/<key>.txt (without the plugin, serve that file yourself)"
        )
    with database.connection() as conn:
        site = get_site(conn, account_id=account_id, site_id=site_id)
        if not site.url:
            raise IndexNowNotConfigured(f"site {site_id} has no URL: set it before submitting to IndexNow")
        served_at = serve_key_on_plugin(
            conn, settings, account_id=account_id, site_id=site_id, site_url=site.url, key=key
        )
        pages = live_pages(conn, site_id=site_id)
        sent = submissions.last_submitted_hashes(conn, site_id=site_id)
    current = {public_url(site_url=site.url, slug=p["slug"], wp_link=p["wp_link"]): p["content_hash"] for p in pages}
    changed = {url: digest for url, digest in current.items() if sent.get(url) != digest}
    with httpx.Client(timeout=settings.gsc_timeout_s) as http:
        done = submit_urls(
            http, settings.indexnow_endpoint, site_url=site.url, key=key, urls=list(changed), location=served_at
        )
    with database.connection() as conn:
        for batch in done:
            submissions.record_submissions(
                conn, site_id=site_id, urls={u: changed[u] for u in batch.urls}, status_code=batch.status
            )
    return {
        "submitted": sum(len(b.urls) for b in done),
        "unchanged": len(current) - len(changed),
        "batches": [{"urls": len(b.urls), "status": b.status} for b in done],
        "key_location": served_at or key_location(site.url, key),
        "key_served_by": "plugin" if served_at else "owner",
    }
