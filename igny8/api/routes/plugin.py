"""The WordPress plugin's endpoints (site key): connect and health, push the site's content and taxonomy,
fetch the active blueprint and the taxonomies to create, pull the content queue, confirm sync events,
report status."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from psycopg.types.json import Jsonb
from pydantic import Field

from igny8.api.deps import RuntimeDep, SitePrincipalDep
from igny8.api.envelope import ApiError, ok
from igny8.domain.text import Count, DbId, InputModel
from igny8.memory.blueprints import get_blueprint
from igny8.memory.published_repo import PUBLISHED_CONDITION
from igny8.memory.tenancy import get_site

router = APIRouter(prefix="/plugin", tags=["wordpress plugin"])


class ConnectIn(InputModel):
    site_url: str = Field(min_length=8, max_length=300, pattern=r"^https?://")
    wordpress_version: str = Field(max_length=20)
    plugin_version: str = Field(max_length=20)


class PushedPage(InputModel):
    wp_type: Literal["post", "page", "product", "term"]
    wp_id: DbId
    title: str = Field(max_length=500)
    url: str | None = Field(default=None, max_length=500)
    slug: str | None = Field(default=None, max_length=200)
    terms: dict[str, list[str]] = Field(default_factory=dict)
    excerpt: str = Field(default="", max_length=2000)


class ContentPushIn(InputModel):
    pages: list[PushedPage] = Field(max_length=500)


class SyncEventIn(InputModel):
    content_id: DbId
    status: Literal["published", "updated", "failed"]
    wp_id: DbId | None = None
    url: str | None = Field(default=None, max_length=500)
    message: str = Field(default="", max_length=1000)


class SyncEventsIn(InputModel):
    events: list[SyncEventIn] = Field(min_length=1, max_length=200)


class StatusIn(InputModel):
    plugin_version: str = Field(max_length=20)
    published: Count
    pending: Count
    errors: list[str] = Field(default_factory=list, max_length=50)


@router.post("/connect")
def connect(body: ConnectIn, principal: SitePrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    assert principal.site_id is not None
    with runtime.database.connection() as conn:
        site = get_site(conn, account_id=principal.account_id, site_id=principal.site_id)
        if site.url is None:
            conn.execute("UPDATE sites SET url = %s WHERE id = %s", (body.site_url.rstrip("/"), site.id))
        conn.execute(
            "INSERT INTO sync_events (site_id, kind, payload) VALUES (%s, 'connect', %s)",
            (site.id, Jsonb(body.model_dump())),
        )
    return ok(request, {"site_id": site.id, "name": site.name, "connected": True})


@router.get("/health")
def health(principal: SitePrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    with runtime.database.connection() as conn:
        active = conn.execute(
            "SELECT version FROM blueprints WHERE site_id = %s AND status = 'active'", (principal.site_id,)
        ).fetchone()
    return ok(
        request,
        {
            "status": "ok",
            "site_id": principal.site_id,
            "active_blueprint_version": active["version"] if active else None,
        },
    )


@router.post("/content")
def push_content(body: ContentPushIn, principal: SitePrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    with runtime.database.connection() as conn:
        for page in body.pages:
            conn.execute(
                "INSERT INTO site_pages (site_id, wp_type, wp_id, title, url, slug, terms, excerpt)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT (site_id, wp_type, wp_id) DO UPDATE SET"
                " title = EXCLUDED.title, url = EXCLUDED.url, slug = EXCLUDED.slug, terms = EXCLUDED.terms,"
                " excerpt = EXCLUDED.excerpt, updated_at = now()",
                (
                    principal.site_id,
                    page.wp_type,
                    page.wp_id,
                    page.title,
                    page.url,
                    page.slug,
                    Jsonb(page.terms),
                    page.excerpt,
                ),
            )
        total = conn.execute("SELECT count(*) AS n FROM site_pages WHERE site_id = %s", (principal.site_id,)).fetchone()
    return ok(request, {"received": len(body.pages), "stored": total["n"]})


_VIEWS: OrderedDict[tuple[str, int], dict[str, Any]] = OrderedDict()
_VIEWS_LOCK = threading.Lock()
_VIEWS_KEPT = 64


def _active_view(runtime: Any, principal: Any) -> dict[str, Any]:
    """The plugin's view of the active blueprint. A blueprint version never changes, so its view is cached by
    id; only the cheap 'which version is active' query runs per request."""
    with runtime.database.connection() as conn:
        row = conn.execute(
            "SELECT b.id FROM blueprints b JOIN sites s ON s.id = b.site_id WHERE b.site_id = %s"
            " AND s.account_id = %s AND b.status = 'active'",
            (principal.site_id, principal.account_id),
        ).fetchone()
        if row is None:
            raise ApiError(404, f"site {principal.site_id} has no active blueprint")
        key = (runtime.database.url, int(row["id"]))
        with _VIEWS_LOCK:
            cached = _VIEWS.get(key)
        if cached is not None:
            return cached
        active = get_blueprint(conn, account_id=principal.account_id, site_id=principal.site_id)
    view = active.model_dump(
        mode="json",
        include={
            "id",
            "version",
            "status",
            "site_type",
            "industry",
            "sectors",
            "attributes",
            "taxonomy",
            "pages",
            "health",
        },
    )
    view["clusters"] = [
        {"slug": c.slug, "name": c.name, "type": c.type, "hub": c.hub.model_dump(), "keywords": len(c.keywords)}
        for c in active.clusters
    ]
    with _VIEWS_LOCK:
        _VIEWS[key] = view
        while len(_VIEWS) > _VIEWS_KEPT:
            _VIEWS.popitem(last=False)
    return view


@router.get("/blueprint")
def blueprint(principal: SitePrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    return ok(request, _active_view(runtime, principal))


@router.get("/taxonomies")
def taxonomies(principal: SitePrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    return ok(request, _active_view(runtime, principal)["taxonomy"])


@router.get("/queue")
def content_queue(
    principal: SitePrincipalDep,
    request: Request,
    runtime: RuntimeDep,
    limit: int = Query(default=20, ge=1, le=100),
    include_review: bool = False,
):  # type: ignore[no-untyped-def]
    statuses = ["approved", "review"] if include_review else ["approved"]
    with runtime.database.connection() as conn:
        rows = conn.execute(
            "SELECT c.id, c.title, c.slug, c.html, c.meta, c.status, t.id AS task_id FROM content c"
            " JOIN tasks t ON t.id = c.task_id WHERE c.site_id = %s AND c.status = ANY(%s)"
            # Never re-offer a page that is already out: published over REST (publish_records) or by the plugin.
            f" AND NOT {PUBLISHED_CONDITION}"
            " ORDER BY (c.meta->>'priority_phase')::int NULLS LAST, c.id LIMIT %s",
            (principal.site_id, statuses, limit),
        ).fetchall()
    items: list[dict[str, Any]] = [
        {
            "content_id": r["id"],
            "task_id": r["task_id"],
            "title": r["title"],
            "slug": r["slug"],
            "html": r["html"],
            "status": r["status"],
            "content_type": r["meta"].get("content_type"),
            "structure": r["meta"].get("structure"),
            "cluster": r["meta"].get("cluster"),
            "meta_description": r["meta"].get("meta_description"),
            "target_keywords": r["meta"].get("target_keywords", []),
        }
        for r in rows
    ]
    return ok(request, items)


@router.post("/sync-events")
def confirm_sync(body: SyncEventsIn, principal: SitePrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    ids = [e.content_id for e in body.events]
    with runtime.database.connection() as conn:
        owned = {
            r["id"]
            for r in conn.execute(
                "SELECT id FROM content WHERE site_id = %s AND id = ANY(%s)", (principal.site_id, ids)
            ).fetchall()
        }
        unknown = [i for i in ids if i not in owned]
        if unknown:
            raise ApiError(
                404, "content not found for this site", {"events": [f"content {i} not found" for i in unknown]}
            )
        for event in body.events:
            conn.execute(
                "INSERT INTO sync_events (site_id, kind, content_id, payload) VALUES (%s, %s, %s, %s)",
                (principal.site_id, event.status, event.content_id, Jsonb(event.model_dump())),
            )
            if event.status in {"published", "updated"}:
                conn.execute(
                    "UPDATE content SET status = 'published', updated_at = now() WHERE id = %s", (event.content_id,)
                )
    return ok(request, {"recorded": len(body.events)})


@router.post("/status")
def report_status(body: StatusIn, principal: SitePrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    with runtime.database.connection() as conn:
        conn.execute(
            "INSERT INTO sync_events (site_id, kind, payload) VALUES (%s, 'status', %s)",
            (principal.site_id, Jsonb(body.model_dump())),
        )
    return ok(request, {"recorded": True})
