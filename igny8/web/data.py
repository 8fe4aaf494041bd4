"""JSON the web app's pictures need that the API does not serve yet (the catalog for the pickers, any
blueprint version, pages with their scores) and the free-text edit interpreter. Same tenancy as the API:
every read is scoped by the signed-in account; every POST needs the session's CSRF token."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Request
from fastapi.responses import FileResponse
from pydantic import Field, ValidationError
from starlette.concurrency import run_in_threadpool

from igny8.agents.edit_interpreter import EditInterpreter
from igny8.domain.catalog import SITE_TYPES
from igny8.domain.text import BIGINT_MAX, InputModel
from igny8.llm.gateway import Meter
from igny8.memory import chat_sessions
from igny8.memory.blueprints import activate_blueprint, get_blueprint
from igny8.memory.reports_repo import list_reports
from igny8.memory.site_pages_status import pages_with_status
from igny8.memory.tenancy import get_site
from igny8.memory.web_sessions import WebSession
from igny8.services import Services
from igny8.stages.optimize import score_site
from igny8.tools.sag.review_commands import parse_review_message
from igny8.web.sign_in import current_session, tokens_match

router = APIRouter(prefix="/app/data", include_in_schema=False)
SiteId = Annotated[int, Path(ge=1, le=BIGINT_MAX)]
ReportMonth = Annotated[str, Path(pattern=r"^[0-9]{4}-[0-9]{2}$")]
ReportFormat = Annotated[str, Path(pattern=r"^(pdf|html)$")]
Version = Annotated[int, Path(ge=1, le=100_000)]
ChatId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$")]


def _runtime(request: Request) -> Services:
    return request.app.state.runtime


def signed_in(request: Request) -> WebSession:
    session = current_session(_runtime(request).database, request)
    if session is None:
        raise HTTPException(401, "you are signed out: sign in again with your account key")
    return session


def signed_in_with_csrf(
    session: Annotated[WebSession, Depends(signed_in)],
    csrf: Annotated[str | None, Header(alias="X-CSRF-Token")] = None,
) -> WebSession:
    if not tokens_match(session.csrf_token, csrf):
        raise HTTPException(403, "the request lacks this page's CSRF token: reload the page and try again")
    return session


Session = Annotated[WebSession, Depends(signed_in)]
PostingSession = Annotated[WebSession, Depends(signed_in_with_csrf)]


@router.get("/catalog")
def catalog(request: Request, session: Session) -> dict[str, Any]:
    return {
        "site_types": list(SITE_TYPES),
        "industries": [
            {
                "slug": i.slug,
                "name": i.name,
                "sectors": [{"slug": s.slug, "name": s.name, "site_types": list(s.site_types)} for s in i.sectors],
            }
            for i in _runtime(request).catalog.industries
        ],
    }


@router.get("/sites/{site_id}/blueprints/{version}")
def blueprint_version(request: Request, session: Session, site_id: SiteId, version: Version) -> dict[str, Any]:
    with _runtime(request).database.connection() as conn:
        blueprint = get_blueprint(conn, account_id=session.account_id, site_id=site_id, version=version)
    return blueprint.model_dump(mode="json")


@router.post("/sites/{site_id}/blueprints/{version}/activate")
def activate(request: Request, session: PostingSession, site_id: SiteId, version: Version) -> dict[str, Any]:
    with _runtime(request).database.connection() as conn:
        blueprint = activate_blueprint(conn, account_id=session.account_id, site_id=site_id, version=version)
    return {"version": blueprint.version, "status": blueprint.status}


@router.get("/sites/{site_id}/pages")
def pages(request: Request, session: Session, site_id: SiteId) -> list[dict[str, Any]]:
    """Every written page with its status, its 0–100 score and six dimensions (scored against the active
    blueprint; without one, unscored) and its HTML for the sandboxed preview."""
    runtime = _runtime(request)
    with runtime.database.connection() as conn:
        get_site(conn, account_id=session.account_id, site_id=site_id)
        rows = pages_with_status(conn, site_id=site_id)
        try:
            blueprint = get_blueprint(conn, account_id=session.account_id, site_id=site_id)
        except LookupError:
            blueprint = None
    scores = (
        {
            row["id"]: score.as_dict()
            for row, score in score_site(runtime.database, site_id=site_id, blueprint=blueprint)
        }
        if blueprint
        else {}
    )
    return [
        {
            "id": r["id"],
            "slug": r["slug"],
            "title": r["title"],
            "status": r["status"],
            "meta_description": r["meta"].get("meta_description", ""),
            "score": scores.get(r["id"]),
            "html": r["html"],
        }
        for r in rows
    ]


class InterpretIn(InputModel):
    text: str = Field(min_length=1, max_length=2000)


@router.post("/chat/{chat_id}/interpret")
async def interpret(request: Request, session: PostingSession, chat_id: ChatId, body: InterpretIn) -> dict[str, Any]:
    """A free-text message → structured edits for the person to confirm, or a question back. A message in
    the review command syntax (or an approval) is not interpreted: the answer says to send it as it is."""
    runtime = _runtime(request)

    def reads_as_command() -> bool:
        try:
            parse_review_message(body.text)
        except (ValueError, ValidationError):
            return False
        return True

    def run() -> dict[str, Any]:
        with runtime.database.connection() as conn:
            row = chat_sessions.get_session(conn, session_id=chat_id, account_id=session.account_id)
            review = chat_sessions.last_review(conn, session_id=chat_id) if row else None
        if row is None:
            raise HTTPException(404, f"chat session {chat_id} not found")
        if reads_as_command():
            return {"command": True, "attribute_edits": [], "cluster_edits": [], "descriptions": [], "question": None}
        if row["status"] != "awaiting_review" or review is None:
            raise HTTPException(409, f"the session is {row['status']}, not waiting for a review answer")
        meter = Meter(session.account_id, row["site_id"], None)
        found = EditInterpreter(runtime.gateway).interpret(body.text, review, meter=meter)
        return {
            "command": False,
            "attribute_edits": found.attribute_edits,
            "cluster_edits": found.cluster_edits,
            "descriptions": found.descriptions,
            "question": found.question,
        }

    return await run_in_threadpool(run)


@router.get("/sites/{site_id}/reports/{month}.{fmt}")
def report_file(request: Request, session: Session, site_id: SiteId, month: ReportMonth, fmt: ReportFormat) -> Any:
    """A monthly report the worker (or `igny8 report`) wrote, for a site of the signed-in account."""
    with _runtime(request).database.connection() as conn:
        get_site(conn, account_id=session.account_id, site_id=site_id)
        row = next((r for r in list_reports(conn, site_id=site_id) if (r["month"], r["format"]) == (month, fmt)), None)
    if row is None or not FilePath(row["path"]).is_file():
        raise HTTPException(404, f"no {fmt} report for {month}")
    media = "application/pdf" if fmt == "pdf" else "text/html"
    return FileResponse(row["path"], media_type=media, filename=f"report-site-{site_id}-{month}.{fmt}")
