"""The site's Search Console page: the connection's state, today's inspection quota and last sync; connect
with the installed-app flow (Google redirects back to this app's callback) or a service account's key, and
disconnect. Forms carry the session's CSRF token; every failure is a message on the page."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException

from igny8.memory.secret_box import SecretKeyMissing, secret_box_for
from igny8.memory.tenancy import NotFound
from igny8.memory.web_sessions import WebSession
from igny8.services import Services
from igny8.tools.search_console.credentials import MAX_FILE_BYTES, CredentialFileError, parse_service_account
from igny8.tools.search_console.errors import SearchConsoleError, ServiceUnavailable
from igny8.web.pages import CSRF_REFUSED, templates
from igny8.web.sign_in import CSRF_FIELD, current_session, tokens_match
from igny8.workflows.search_console_connect import connect_service_account_key
from igny8.workflows.search_console_web_connect import (
    WebSessionRef,
    connection_panel,
    disconnect,
    finish_authorisation,
    start_authorisation,
)

router = APIRouter(include_in_schema=False)
PAGE = "/app/sites/{site_id}/search-console"
NOTICES = {
    "connected": "Connected: access to the property was checked and the credential is stored encrypted.",
    "disconnected": "Disconnected: the stored credential is deleted (synced data stays).",
}
_NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _runtime(request: Request) -> Services:
    return request.app.state.runtime


def _explain(exc: Exception) -> tuple[int, str]:
    """The status and message for an expected failure (never a traceback)."""
    if isinstance(exc, NotFound):
        return 404, str(exc)
    if isinstance(exc, ServiceUnavailable):
        return 503, f"Google could not be reached; try again in a few minutes ({exc})"
    if isinstance(exc, SearchConsoleError) and exc.status == 403:
        return 400, (
            "that Google account may not read this property: check the property's spelling, and that the account "
            f"(or the service account's e-mail) is a user of it in Search Console. Nothing was saved. ({exc})"
        )
    if isinstance(exc, SearchConsoleError):
        return 400, f"{exc}. Nothing was saved."
    return 400, str(exc)


_EXPECTED = (NotFound, ValueError, SearchConsoleError, SecretKeyMissing)


async def _page(
    request: Request, session: WebSession, site_id: int, status_code: int = 200, **context: Any
) -> HTMLResponse:
    runtime = _runtime(request)
    try:
        panel = await run_in_threadpool(
            connection_panel, runtime.database, runtime.settings, account_id=session.account_id, site_id=site_id
        )
    except NotFound:
        return templates.TemplateResponse(
            request,
            "error.html",
            {"session": session, "csrf": session.csrf_token, "message": f"site {site_id} not found"},
            status_code=404,
        )
    notice = NOTICES.get(request.query_params.get("done", ""))
    values = {"session": session, "csrf": session.csrf_token, "notice": notice, "form": {}, **panel, **context}
    return templates.TemplateResponse(
        request, "search_console.html", values, status_code=status_code, headers=_NO_STORE
    )


async def _signed_in_form(request: Request) -> tuple[WebSession | None, FormData | None, str | None]:
    """The session, the form (at most two small files) and an error when it cannot be read or lacks the
    CSRF token."""
    session = await run_in_threadpool(current_session, _runtime(request).database, request)
    if session is None:
        return None, None, None
    try:
        form = await request.form(max_files=2, max_fields=10, max_part_size=MAX_FILE_BYTES * 2)
    except HTTPException as exc:  # too many or too large parts
        return session, FormData(), f"the form could not be read ({exc.detail}): send one JSON file under 64 KiB"
    error = None if tokens_match(session.csrf_token, str(form.get(CSRF_FIELD) or "")) else CSRF_REFUSED
    return session, form, error


async def _json_field(form: FormData, file_field: str, text_field: str | None, what: str) -> tuple[str, str]:
    """The JSON of an uploaded file (or of the pasted text) and a name for it in messages."""
    upload = form.get(file_field)
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(MAX_FILE_BYTES + 1)
        source = f"the uploaded file {upload.filename[:80]!r}"
        if len(data) > MAX_FILE_BYTES:
            raise CredentialFileError(f"{source} is too large for {what} (over {MAX_FILE_BYTES // 1024} KiB)")
        try:
            return data.decode("utf-8"), source
        except UnicodeDecodeError as exc:
            raise CredentialFileError(f"{source} is not JSON: download {what} again from Google Cloud") from exc
    pasted = str(form.get(text_field) or "").strip() if text_field else ""
    if pasted:
        return pasted, "the pasted JSON"
    raise CredentialFileError(f"choose {what} (the JSON file downloaded from Google Cloud)")


def _to_sign_in() -> RedirectResponse:
    return RedirectResponse("/sign-in", status_code=303)


def _done(site_id: int, what: str) -> RedirectResponse:
    return RedirectResponse(PAGE.format(site_id=site_id) + f"?done={what}", status_code=303)


@router.get("/app/sites/{site_id:int}/search-console")
async def search_console_page(request: Request, site_id: int) -> Response:
    session = await run_in_threadpool(current_session, _runtime(request).database, request)
    return _to_sign_in() if session is None else await _page(request, session, site_id)


@router.post("/app/sites/{site_id:int}/search-console/authorise")
async def authorise(request: Request, site_id: int) -> Response:
    """Validate the property and OAuth client, keep the request, and send the browser to Google's consent."""
    session, form, error = await _signed_in_form(request)
    if session is None or form is None:
        return _to_sign_in()
    fields = {"property": str(form.get("property") or "").strip()}
    if error:
        return await _page(request, session, site_id, 403, error=error, form=fields)
    runtime = _runtime(request)
    redirect_uri = str(request.base_url).rstrip("/") + PAGE.format(site_id=site_id) + "/callback"
    try:
        client_json, source = await _json_field(form, "client_file", "client_json", "an OAuth client file")
        url = await run_in_threadpool(
            start_authorisation,
            runtime.database,
            secret_box_for(runtime.settings),
            WebSessionRef(session.id, session.account_id),
            site_id=site_id,
            prop=fields["property"],
            client_json=client_json,
            source=source,
            redirect_uri=redirect_uri,
        )
    except _EXPECTED as exc:
        status, message = _explain(exc)
        return await _page(request, session, site_id, status, error=message, form=fields)
    return RedirectResponse(url, status_code=303, headers=_NO_STORE)


@router.get("/app/sites/{site_id:int}/search-console/callback")
async def callback(request: Request, site_id: int) -> Response:
    """Google's redirect. It arrives from another site, so the SameSite=Strict session cookie is not sent:
    the first answer reloads the same address from this site, which carries it."""
    runtime = _runtime(request)
    session = await run_in_threadpool(current_session, runtime.database, request)
    query = {k: v for k, v in request.query_params.items() if k in ("code", "state", "error")}
    if session is None:
        if request.query_params.get("resumed"):
            return _to_sign_in()
        again = str(request.url.include_query_params(resumed="1"))
        return templates.TemplateResponse(
            request, "search_console_resume.html", {"again": again, "session": None, "csrf": ""}, headers=_NO_STORE
        )
    try:
        await run_in_threadpool(
            finish_authorisation,
            runtime.database,
            runtime.settings,
            secret_box_for(runtime.settings),
            WebSessionRef(session.id, session.account_id),
            site_id=site_id,
            query=query,
        )
    except _EXPECTED as exc:
        status, message = _explain(exc)
        return await _page(request, session, site_id, status, error=message)
    return _done(site_id, "connected")


@router.post("/app/sites/{site_id:int}/search-console/service-account")
async def service_account(request: Request, site_id: int) -> Response:
    session, form, error = await _signed_in_form(request)
    if session is None or form is None:
        return _to_sign_in()
    fields = {"sa_property": str(form.get("property") or "").strip()}
    if error:
        return await _page(request, session, site_id, 403, error=error, form=fields)
    runtime = _runtime(request)
    try:
        key_json, source = await _json_field(form, "key_file", None, "a service account key")
        key = parse_service_account(key_json, source)
        await run_in_threadpool(
            connect_service_account_key,
            runtime.database,
            runtime.settings,
            secret_box_for(runtime.settings),
            account_id=session.account_id,
            site_id=site_id,
            prop=fields["sa_property"],
            key=key,
        )
    except _EXPECTED as exc:
        status, message = _explain(exc)
        return await _page(request, session, site_id, status, error=message, form=fields)
    return _done(site_id, "connected")


@router.post("/app/sites/{site_id:int}/search-console/disconnect")
async def disconnect_site(request: Request, site_id: int) -> Response:
    session, form, error = await _signed_in_form(request)
    if session is None or form is None:
        return _to_sign_in()
    if error:
        return await _page(request, session, site_id, 403, error=error)
    try:
        await run_in_threadpool(disconnect, _runtime(request).database, account_id=session.account_id, site_id=site_id)
    except NotFound:
        return await _page(request, session, site_id)  # answers "site not found"
    return _done(site_id, "disconnected")
