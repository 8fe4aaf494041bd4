"""The dashboard's actions: start a pipeline run and follow it, and the review queue (approve a page, edit
its title and meta description, or send it back with a note). Scoped by the signed-in account; every POST
needs the session's CSRF token."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Request
from pydantic import Field

from igny8.domain.text import BIGINT_MAX, InputModel
from igny8.memory.site_pages_status import review_page
from igny8.memory.tenancy import get_site
from igny8.web.data import PostingSession, Session, SiteId
from igny8.web.pipeline_jobs import WEB_STAGES, RunAlreadyGoing, live_run, start_run
from igny8.workflows.pipeline_run import pipeline_status

router = APIRouter(prefix="/app/data", include_in_schema=False)
PageId = Annotated[int, Path(ge=1, le=BIGINT_MAX)]


class RunIn(InputModel):
    limit: int = Field(default=6, ge=1, le=200, description="pages to write in this run")
    stages: list[str] = Field(default_factory=lambda: list(WEB_STAGES), min_length=1, max_length=10)


class ReviewIn(InputModel):
    action: Literal["approve", "edit", "send_back"]
    title: str | None = Field(default=None, min_length=3, max_length=200)
    meta_description: str | None = Field(default=None, max_length=320)
    note: str | None = Field(default=None, max_length=1000)


@router.get("/sites/{site_id}/pipeline")
def pipeline(request: Request, session: Session, site_id: SiteId) -> dict[str, Any]:
    status = pipeline_status(request.app.state.runtime, account_id=session.account_id, site_id=site_id)
    live = live_run(request.app.state.runtime, site_id=site_id)
    return {**status, "live": live.as_dict() if live else None}


@router.post("/sites/{site_id}/pipeline", status_code=202)
def start_pipeline(request: Request, session: PostingSession, site_id: SiteId, body: RunIn) -> dict[str, Any]:
    runtime = request.app.state.runtime
    with runtime.database.connection() as conn:
        get_site(conn, account_id=session.account_id, site_id=site_id)
    try:
        live = start_run(runtime, account_id=session.account_id, site_id=site_id, limit=body.limit, stages=body.stages)
    except RunAlreadyGoing as exc:
        raise HTTPException(409, str(exc)) from exc
    return live.as_dict()


@router.post("/sites/{site_id}/pages/{page_id}/review")
def review(request: Request, session: PostingSession, site_id: SiteId, page_id: PageId, body: ReviewIn) -> dict:
    if body.action == "edit" and body.title is None and body.meta_description is None:
        raise HTTPException(422, "an edit needs a new title or meta description")
    if body.action == "send_back" and not (body.note and body.note.strip()):
        raise HTTPException(422, "say what to change when you send a page back (note)")
    status = {"approve": "approved", "edit": "review", "send_back": "draft"}[body.action]
    meta: dict[str, Any] = {"reviewed_by_person": True, "approved_by": "person" if body.action == "approve" else None}
    if body.meta_description is not None:
        meta["meta_description"] = body.meta_description.strip()
    if body.action == "send_back":
        meta["review_note"] = body.note.strip() if body.note else ""
    with request.app.state.runtime.database.connection() as conn:
        get_site(conn, account_id=session.account_id, site_id=site_id)
        found = review_page(
            conn,
            site_id=site_id,
            content_id=page_id,
            status=status,
            title=body.title.strip() if body.title else None,
            meta_update=meta,
        )
    if not found:
        raise HTTPException(404, f"page {page_id} not found")
    return {"id": page_id, "status": status}
