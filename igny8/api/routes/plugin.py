"""The WordPress plugin's endpoints (site key): connect and health, push the site's content and taxonomy,
fetch the active blueprint and the taxonomies to create, pull the content queue, confirm sync events,
report status."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from pydantic import Field

from igny8.api.deps import RuntimeDep, SitePrincipalDep
from igny8.api.envelope import ApiError, ok
from igny8.domain.text import Count, DbId, InputModel
from igny8.memory import blueprints, content_repo, site_pages, sync_events, tenancy
from igny8.memory.blueprints import get_blueprint
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
            tenancy.set_site_url(conn, site_id=site.id, url=body.site_url.rstrip("/"))
        sync_events.record_site_event(conn, site_id=site.id, kind="connect", payload=body.model_dump())
    return ok(request, {"site_id": site.id, "name": site.name, "connected": True})


@router.get("/health")
def health(principal: SitePrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    with runtime.database.connection() as conn:
        active_version = blueprints.active_blueprint_version(conn, site_id=principal.site_id)
    return ok(
        request,
        {
            "status": "ok",
            "site_id": principal.site_id,
            "active_blueprint_version": active_version,
        },
    )


@router.post("/content")
def push_content(body: ContentPushIn, principal: SitePrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    with runtime.database.connection() as conn:
        for page in body.pages:
            site_pages.upsert_site_page(conn, site_id=principal.site_id, **page.model_dump())
        total = site_pages.count_site_pages(conn, site_id=principal.site_id)
    return ok(request, {"received": len(body.pages), "stored": total})


_VIEWS: OrderedDict[tuple[str, int], dict[str, Any]] = OrderedDict()
_VIEWS_LOCK = threading.Lock()
_VIEWS_KEPT = 64


def _active_view(runtime: Any, principal: Any) -> dict[str, Any]:
    """The plugin's view of the active blueprint. A blueprint version never changes, so its view is cached by
    id; only the cheap 'which version is active' query runs per request."""
    with runtime.database.connection() as conn:
        blueprint_id = blueprints.active_blueprint_id(conn, account_id=principal.account_id, site_id=principal.site_id)
        if blueprint_id is None:
            raise ApiError(404, f"site {principal.site_id} has no active blueprint")
        key = (runtime.database.url, blueprint_id)
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
        # Never re-offers a page that is already out: published over REST or by the plugin.
        rows = content_repo.content_queue(conn, site_id=principal.site_id, statuses=statuses, limit=limit)
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
        owned = content_repo.owned_content_ids(conn, site_id=principal.site_id, content_ids=ids)
        unknown = [i for i in ids if i not in owned]
        if unknown:
            raise ApiError(
                404, "content not found for this site", {"events": [f"content {i} not found" for i in unknown]}
            )
        for event in body.events:
            sync_events.record_content_event(
                conn,
                site_id=principal.site_id,
                kind=event.status,
                content_id=event.content_id,
                payload=event.model_dump(),
            )
            if event.status in {"published", "updated"}:
                content_repo.mark_published_by_plugin(conn, content_id=event.content_id)
    return ok(request, {"recorded": len(body.events)})


@router.post("/status")
def report_status(body: StatusIn, principal: SitePrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    with runtime.database.connection() as conn:
        sync_events.record_site_event(conn, site_id=principal.site_id, kind="status", payload=body.model_dump())
    return ok(request, {"recorded": True})
