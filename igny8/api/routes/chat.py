"""Chat sessions: start a site build, send messages, answer the review pauses, stream the events (SSE)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request
from pydantic import ConfigDict, Field, ValidationError
from sse_starlette import EventSourceResponse, ServerSentEvent

from igny8.api.contract import JsonId, catalog_or_own_choices, error_responses, unknown_sectors_conflict
from igny8.api.deps import ChatRunnerDep, PrincipalDep, RuntimeDep, reachable_site
from igny8.api.envelope import ApiError, ok
from igny8.catalog.build_request import resolve_sectors
from igny8.domain.business import BusinessDetails
from igny8.domain.catalog import SiteType
from igny8.domain.text import InputModel
from igny8.graphs.site_build import BuildRequest
from igny8.memory import chat_sessions
from igny8.memory.api_keys import Principal
from igny8.memory.sector_templates_repo import own_sector_industries
from igny8.memory.tenancy import get_site
from igny8.tools.sag.attribute_edits import ReviewAnswer
from igny8.tools.sag.review_commands import REVIEW_HELP, parse_review_message
from igny8.workflows.chat_sessions import (
    ChatRunner,
    add_event,
    build_start,
    create_session,
    new_session_id,
)

router = APIRouter(prefix="/chat", tags=["chat sessions"])
CONFLICT = error_responses(409)
SessionId = Annotated[str, Path(min_length=32, max_length=32, pattern=r"^[0-9a-f]{32}$")]


class SessionIn(InputModel):
    model_config = ConfigDict(json_schema_extra=catalog_or_own_choices)

    industry: str = Field(min_length=1, max_length=100, description="an industry's slug from the catalog")
    sectors: list[str] = Field(min_length=1, max_length=5, description="1–5 distinct sectors of that industry")
    site_type: SiteType
    site_id: JsonId | None = None
    site_name: str | None = Field(default=None, max_length=200)
    business: BusinessDetails = Field(default_factory=BusinessDetails)


_TOKEN = r"[A-Za-z0-9][A-Za-z0-9-]{0,19}"
_NAME = rf"{_TOKEN}(?: {_TOKEN}){{0,2}}"
_EDIT = (
    rf"[ \t]*(?:remove cluster {_TOKEN}|rename cluster {_TOKEN} ?= ?{_NAME}"
    rf"|(?:add|remove) value {_TOKEN} {_NAME}|rename value {_TOKEN} {_NAME} ?= ?{_NAME}"
    rf"|remove attribute {_TOKEN}|rename attribute {_TOKEN} ?= ?{_NAME})[ \t]*"
)
# The schema's share of the review grammar (REVIEW_HELP): a word of approval, or edit lines.
REVIEW_MESSAGE = (
    r"^(?:[ \t\n]*(?:ok|okay|yes|y|approve|approved|looks good|continue|lgtm)?[.!]*[ \t\n]*"
    rf"|\n*{_EDIT}(?:\n+{_EDIT})*\n*)$"
)


SSE_EVENT = {
    "type": "object",
    "properties": {
        "event": {"enum": ["progress", "review", "message", "done", "error", "end"]},
        "data": {"type": "string", "description": "a JSON object"},
        "id": {"type": "string", "pattern": "^[0-9]+$"},
    },
    "required": ["event", "data"],
}


class MessageIn(InputModel):
    text: str = Field(
        min_length=0, max_length=5000, json_schema_extra={"pattern": REVIEW_MESSAGE}, description=REVIEW_HELP
    )


def _session(runtime: Any, principal: Principal, session_id: str) -> dict[str, Any]:
    with runtime.database.connection() as conn:
        row = chat_sessions.get_session(conn, session_id=session_id, account_id=principal.account_id)
    if row is None or (principal.site_id is not None and row["site_id"] != principal.site_id):
        raise ApiError(404, f"chat session {session_id} not found")
    return row


def _public(row: dict[str, Any], last_review: dict[str, Any] | None) -> dict[str, Any]:
    return {
        "id": row["id"],
        "status": row["status"],
        "site_id": row["site_id"],
        "result": row["result"],
        "review": last_review if row["status"] == "awaiting_review" else None,
        "created_at": row["created_at"].isoformat(),
        "updated_at": row["updated_at"].isoformat(),
    }


def _last_review(runtime: Any, session_id: str) -> dict[str, Any] | None:
    with runtime.database.connection() as conn:
        return chat_sessions.last_review(conn, session_id=session_id)


# 404: a site_id of another tenant; 409: a sector that is neither the catalog's nor one of the account's own
@router.post("/sessions", status_code=202, responses=error_responses(404, 409))
def start_session(  # type: ignore[no-untyped-def]
    body: SessionIn, principal: PrincipalDep, request: Request, runtime: RuntimeDep, runner: ChatRunnerDep
):
    with runtime.database.connection() as conn:  # sectors outside the catalog with a template of the account's
        own = own_sector_industries(conn, account_id=principal.account_id)
    with unknown_sectors_conflict(runtime.catalog, body.industry, body.sectors, own):
        industry, sectors = resolve_sectors(runtime.catalog, body.industry, body.sectors, body.site_type, own=own)
    site_id = body.site_id if body.site_id is not None else principal.site_id
    if site_id is not None:
        with runtime.database.connection() as conn:
            get_site(conn, account_id=principal.account_id, site_id=reachable_site(principal, site_id))
    build = BuildRequest(
        account_id=principal.account_id,
        site_id=site_id,
        industry=industry.slug,
        sectors=[s.slug for s in sectors],
        site_type=body.site_type,
        site_name=body.site_name or body.business.name or " + ".join(s.name for s in sectors),
        business=body.business.model_dump(mode="json"),
        auto_approve=False,
    )
    session_id = new_session_id()
    runner.claim(principal.account_id, session_id)
    try:
        create_session(runtime, build, session_id)
        runner.submit(session_id, build_start(build, None))
    except BaseException:
        runner.release(session_id)
        raise
    return ok(
        request,
        {"id": session_id, "status": "running", "events": f"/api/v1/chat/sessions/{session_id}/events"},
        "the build has started",
        status_code=202,
    )


@router.get("/sessions/{session_id}")
def read_session(session_id: SessionId, principal: PrincipalDep, request: Request, runtime: RuntimeDep):  # type: ignore[no-untyped-def]
    row = _session(runtime, principal, session_id)
    return ok(request, _public(row, _last_review(runtime, session_id)))


def _resume(
    runtime: Any, runner: ChatRunner, principal: Principal, session_id: SessionId, answer: dict[str, Any], said: str
) -> None:
    row = _session(runtime, principal, session_id)
    if row["status"] != "awaiting_review":
        raise ApiError(409, f"the session is {row['status']}, not waiting for a review answer")
    # The run that wrote the review pause may still be leaving the pool: give it a moment.
    runner.claim(principal.account_id, session_id, wait_s=5.0)
    try:
        with runtime.database.connection() as conn:
            claimed = chat_sessions.claim_session_for_answer(conn, session_id=session_id)
        if not claimed:
            raise ApiError(409, "another answer is being applied; wait for the next review event")
        add_event(runtime.database, session_id, "message", {"role": "user", "text": said})
        runner.submit(session_id, build_start(None, answer))
    except BaseException:
        runner.release(session_id)
        raise


@router.post("/sessions/{session_id}/messages", status_code=202, responses=CONFLICT)
def send_message(  # type: ignore[no-untyped-def]
    session_id: SessionId,
    body: MessageIn,
    principal: PrincipalDep,
    request: Request,
    runtime: RuntimeDep,
    runner: ChatRunnerDep,
):
    _session(runtime, principal, session_id)  # an unknown session answers 404 whatever the text
    try:
        answer = parse_review_message(body.text)
    except (ValueError, ValidationError) as exc:
        raise ApiError(422, f"{exc}. {REVIEW_HELP}", {"text": [str(exc)]}) from exc
    _resume(runtime, runner, principal, session_id, answer, body.text)
    return ok(request, {"id": session_id, "status": "running"}, "applying your answer", status_code=202)


@router.post("/sessions/{session_id}/review", status_code=202, responses=CONFLICT)
def answer_review(  # type: ignore[no-untyped-def]
    session_id: SessionId,
    body: ReviewAnswer,
    principal: PrincipalDep,
    request: Request,
    runtime: RuntimeDep,
    runner: ChatRunnerDep,
):
    answer = body.model_dump(mode="json")
    answer["approve"] = not (body.attribute_edits or body.cluster_edits)
    _resume(runtime, runner, principal, session_id, answer, json.dumps(answer))
    return ok(request, {"id": session_id, "status": "running"}, "applying your answer", status_code=202)


@router.post("/sessions/{session_id}/resume", status_code=202, responses=CONFLICT)
def resume_after_restart(  # type: ignore[no-untyped-def]
    session_id: SessionId, principal: PrincipalDep, request: Request, runtime: RuntimeDep, runner: ChatRunnerDep
):
    """Continue a session whose server stopped while it was running (it goes on from its checkpoint)."""
    row = _session(runtime, principal, session_id)
    if row["status"] != "running":
        raise ApiError(409, f"the session is {row['status']}; only a stopped running session resumes")
    runner.claim(principal.account_id, session_id)
    try:
        runner.submit(session_id, build_start(None, None))
    except BaseException:
        runner.release(session_id)
        raise
    return ok(request, {"id": session_id, "status": "running"}, status_code=202)


@router.get(
    "/sessions/{session_id}/events",
    responses={200: {"description": "server-sent events", "content": {"text/event-stream": {"schema": SSE_EVENT}}}},
)
async def stream_events(
    session_id: SessionId,
    principal: PrincipalDep,
    runtime: RuntimeDep,
    after: int = Query(default=0, ge=0),
    timeout: float = Query(default=60.0, gt=0, le=600),
    last_event_id: Annotated[int | None, Header(alias="Last-Event-ID", ge=0)] = None,
):  # type: ignore[no-untyped-def]
    """Server-sent events: progress, review pauses, messages, done and error. The stream ends when the session
    waits for a person, finishes or fails (or after ``timeout`` seconds); ``after`` (or the ``Last-Event-ID``
    header a browser's EventSource sends when it reconnects, whichever is later) resumes from an event id."""
    _session(runtime, principal, session_id)

    def fetch(last: int) -> tuple[list[dict[str, Any]], str]:
        with runtime.database.connection() as conn:
            # Status first: every event written before that status is then visible to the second query.
            status = chat_sessions.session_status(conn, session_id=session_id)
            events = chat_sessions.events_after(conn, session_id=session_id, after_id=last)
        return events, status

    async def generate():  # type: ignore[no-untyped-def]
        last, deadline = max(after, last_event_id or 0), time.monotonic() + timeout
        while True:
            events, status = await asyncio.to_thread(fetch, last)
            for event in events:
                last = event["id"]
                yield ServerSentEvent(json.dumps(event["payload"]), event=event["kind"], id=str(event["id"]))
            if status != "running" and not events:
                yield ServerSentEvent(json.dumps({"status": status}), event="end")
                return
            if time.monotonic() > deadline:
                return
            await asyncio.sleep(0.2)

    # No keep-alive comments (ping=0), as before: clients that read only ``field: value`` blocks (the API tests'
    # reader among them) would take a ``: ping`` comment for an event; a quiet stream still ends by ``timeout``.
    return EventSourceResponse(generate(), ping=0, sep="\n", headers={"Cache-Control": "no-store"})
