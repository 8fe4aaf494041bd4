"""The WordPress plugin's endpoints (site key): connect and health, push the site's content and taxonomy,
fetch the active blueprint and the taxonomies to create, pull the content queue, confirm sync events,
report status."""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import Field

from igny8.api.contract import JsonCount, JsonId, error_responses
from igny8.api.deps import RuntimeDep, ServiceState, ServiceStateDep, SitePrincipalDep
from igny8.api.envelope import ApiError, ok, ok_encoded, request_id
from igny8.domain.text import InputModel
from igny8.memory import content_repo, site_pages, sync_events, tenancy
from igny8.memory.api_keys import Principal
from igny8.memory.async_pool import active_blueprint_ref
from igny8.memory.blueprints import get_blueprint
from igny8.memory.tenancy import get_site
from igny8.services import Services
from igny8.stages.plugin_bridge import plugin_blueprint_view

router = APIRouter(prefix="/plugin", tags=["wordpress plugin"])


class ConnectIn(InputModel):
    site_url: str = Field(min_length=8, max_length=300, pattern=r"^https?://")
    wordpress_version: str = Field(max_length=20)
    plugin_version: str = Field(max_length=20)


class PushedPage(InputModel):
    wp_type: Literal["post", "page", "product", "term"]
    wp_id: JsonId
    title: str = Field(max_length=500)
    url: str | None = Field(default=None, max_length=500)
    slug: str | None = Field(default=None, max_length=200)
    terms: dict[str, list[str]] = Field(default_factory=dict)
    excerpt: str = Field(default="", max_length=2000)


class ContentPushIn(InputModel):
    pages: list[PushedPage] = Field(max_length=500)


class SyncEventIn(InputModel):
    content_id: JsonId
    status: Literal["published", "updated", "failed"]
    wp_id: JsonId | None = None
    url: str | None = Field(default=None, max_length=500)
    message: str = Field(default="", max_length=1000)


class SyncEventsIn(InputModel):
    events: list[SyncEventIn] = Field(min_length=1, max_length=200)


class StatusIn(InputModel):
    plugin_version: str = Field(max_length=20)
    published: JsonCount
    pending: JsonCount
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


async def _active_ref(service: ServiceState, principal: Principal) -> tuple[int, int] | None:
    """(id, version) of the site's active blueprint, kept in memory until the site's blueprints change."""
    assert principal.site_id is not None

    async def read() -> tuple[int, int] | None:
        async with service.pool.connection() as conn:
            return await active_blueprint_ref(conn, account_id=principal.account_id, site_id=principal.site_id)

    return await service.read_through(principal.site_id, ("active", principal.account_id), read)


@router.get("/health")
async def health(principal: SitePrincipalDep, request: Request, service: ServiceStateDep):  # type: ignore[no-untyped-def]
    active = await _active_ref(service, principal)
    return ok(
        request,
        {"status": "ok", "site_id": principal.site_id, "active_blueprint_version": active[1] if active else None},
    )


@router.post("/content")
def push_content(body: ContentPushIn, principal: SitePrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    with runtime.database.connection() as conn:
        for page in body.pages:
            site_pages.upsert_site_page(conn, site_id=principal.site_id, **page.model_dump())
        total = site_pages.count_site_pages(conn, site_id=principal.site_id)
    return ok(request, {"received": len(body.pages), "stored": total})


@dataclass(frozen=True)
class EncodedView:
    """One JSON encoding of a blueprint version's plugin view, with its entity tag."""

    body: bytes
    etag: str

    @classmethod
    def of(cls, data: Any) -> EncodedView:
        body = orjson.dumps(data)
        return cls(body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"')


_VIEWS: OrderedDict[tuple[str, int], dict[str, EncodedView]] = OrderedDict()
_VIEWS_LOCK = threading.Lock()
_VIEWS_KEPT = 64


def _encode_view(runtime: Services, principal: Principal) -> tuple[int, dict[str, EncodedView]]:
    with runtime.database.connection() as conn:
        active = get_blueprint(conn, account_id=principal.account_id, site_id=principal.site_id)
    view = plugin_blueprint_view(active)  # the same view the backend pushes to the plugin
    return active.id, {"blueprint": EncodedView.of(view), "taxonomies": EncodedView.of(view["taxonomy"])}


async def _active_view(runtime: Services, service: ServiceState, principal: Principal, part: str) -> EncodedView:
    """The plugin's view of the active blueprint. A blueprint version never changes, so its encoded view is
    kept by id; which version is active is kept until the site's blueprints change."""
    active = await _active_ref(service, principal)
    if active is None:
        raise ApiError(404, f"site {principal.site_id} has no active blueprint")
    with _VIEWS_LOCK:
        cached = _VIEWS.get((runtime.database.url, active[0]))
    if cached is None:
        blueprint_id, cached = await asyncio.to_thread(_encode_view, runtime, principal)
        with _VIEWS_LOCK:
            _VIEWS[(runtime.database.url, blueprint_id)] = cached
            while len(_VIEWS) > _VIEWS_KEPT:
                _VIEWS.popitem(last=False)
    return cached[part]


def _conditional(request: Request, view: EncodedView, if_none_match: str | None) -> Response:
    """304 when the plugin already holds this version (If-None-Match), else the envelope with its ETag."""
    headers = {"ETag": view.etag, "Cache-Control": "no-cache"}
    held = {tag.strip().removeprefix("W/") for tag in (if_none_match or "").split(",")}
    if view.etag in held or "*" in held:
        return Response(status_code=304, headers={**headers, "X-Request-ID": request_id(request)})
    return ok_encoded(request, view.body, headers)


IfNoneMatch = Annotated[
    str | None, Header(alias="If-None-Match", max_length=500, description="the ETag of the view already held")
]
NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "not modified: the ETag sent is current"},
    **error_responses(404),  # no active blueprint
}


def _view_route(part: str):  # type: ignore[no-untyped-def]
    """A read of one part of the active blueprint's view, answered 304 when the plugin holds it already."""

    async def read(  # type: ignore[no-untyped-def]
        principal: SitePrincipalDep, request: Request, service: ServiceStateDep, if_none_match: IfNoneMatch = None
    ):
        view = await _active_view(request.app.state.runtime, service, principal, part)
        return _conditional(request, view, if_none_match)

    return read


for _part in ("blueprint", "taxonomies"):
    router.get(f"/{_part}", responses=NOT_MODIFIED, name=_part)(_view_route(_part))


def _queue_item(row: dict[str, Any]) -> dict[str, Any]:
    meta = row["meta"]
    return {
        "content_id": row["id"],
        "task_id": row["task_id"],
        "title": row["title"],
        "slug": row["slug"],
        "html": row["html"],
        "status": row["status"],
        "content_type": meta.get("content_type"),
        "structure": meta.get("structure"),
        "cluster": meta.get("cluster"),
        "meta_description": meta.get("meta_description"),
        "target_keywords": meta.get("target_keywords", []),
    }


@router.get("/queue")
async def content_queue(
    principal: SitePrincipalDep,
    request: Request,
    service: ServiceStateDep,
    limit: int = Query(default=20, ge=1, le=100),
    include_review: bool = False,
):  # type: ignore[no-untyped-def]
    """The pages ready to publish, encoded once and kept until the site's content or publications change."""
    assert principal.site_id is not None
    statuses = ["approved", "review"] if include_review else ["approved"]

    runtime: Services = request.app.state.runtime

    def read() -> bytes:
        with runtime.database.connection() as conn:
            # Never re-offers a page that is already out: published over REST or by the plugin.
            rows = content_repo.content_queue(conn, site_id=principal.site_id, statuses=statuses, limit=limit)
        return orjson.dumps([_queue_item(r) for r in rows])

    async def read_off_loop() -> bytes:
        return await asyncio.to_thread(read)

    encoded = await service.read_through(principal.site_id, ("queue", include_review, limit), read_off_loop)
    return ok_encoded(request, encoded)


@router.post("/sync-events", responses=error_responses(404))
def confirm_sync(  # type: ignore[no-untyped-def]
    body: SyncEventsIn, principal: SitePrincipalDep, request: Request, runtime: RuntimeDep, service: ServiceStateDep
):
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
    # Committed: this process's next queue read goes to the database now; the others on the change notice.
    service.reads.forget(principal.site_id)
    return ok(request, {"recorded": len(body.events)})


@router.post("/status")
def report_status(body: StatusIn, principal: SitePrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    with runtime.database.connection() as conn:
        sync_events.record_site_event(conn, site_id=principal.site_id, kind="status", payload=body.model_dump())
    return ok(request, {"recorded": True})
