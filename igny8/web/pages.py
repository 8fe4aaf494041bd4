"""The web app's pages (HTML, Jinja2): sign-in and out, the sites list, creating a site, the build form,
the chat session and the site dashboard. Pages render a frame; their scripts draw the data they fetch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from igny8.catalog.loader import CatalogError
from igny8.domain.catalog import SITE_TYPES
from igny8.memory.chat_session_list import recent_site_sessions
from igny8.memory.sector_templates_repo import own_sector_industries
from igny8.memory.tenancy import NotFound, get_site, list_sites
from igny8.memory.web_sessions import WebSession
from igny8.services import Services
from igny8.stages.outages import alerts
from igny8.web.sign_in import (
    CSRF_FIELD,
    SESSION_COOKIE,
    SIGN_IN_CSRF_COOKIE,
    SignInRefused,
    current_session,
    new_sign_in_csrf,
    set_cookie,
    sign_in,
    sign_out,
    tokens_match,
)
from igny8.workflows.site_setup import SiteLimitReached, create_site_with_key

router = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
CSRF_REFUSED = "the form lacks its CSRF token (it may be from an old page): reload the page and send it again"


def _runtime(request: Request) -> Services:
    return request.app.state.runtime


def _render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


async def _session(request: Request) -> WebSession | None:
    return await run_in_threadpool(current_session, _runtime(request).database, request)


def _to_sign_in() -> RedirectResponse:
    return RedirectResponse("/sign-in", status_code=303)


@router.get("/")
async def home(request: Request) -> Response:
    return RedirectResponse("/app" if await _session(request) else "/sign-in", status_code=303)


def _sign_in_page(request: Request, error: str | None = None, status_code: int = 200) -> HTMLResponse:
    token = new_sign_in_csrf()
    response = _render(request, "sign_in.html", status_code, csrf=token, error=error, session=None)
    set_cookie(response, _runtime(request).settings, SIGN_IN_CSRF_COOKIE, token, max_age=3600)
    return response


@router.get("/sign-in")
async def sign_in_form(request: Request) -> Response:
    return _sign_in_page(request)


@router.post("/sign-in")
async def sign_in_submit(request: Request) -> Response:
    form = await request.form()
    if not tokens_match(request.cookies.get(SIGN_IN_CSRF_COOKIE), str(form.get(CSRF_FIELD) or "")):
        return _sign_in_page(request, CSRF_REFUSED, 403)
    runtime = _runtime(request)
    try:
        token = await run_in_threadpool(sign_in, runtime.database, runtime.settings, str(form.get("account_key", "")))
    except SignInRefused as exc:
        return _sign_in_page(request, str(exc), 401)
    response = RedirectResponse("/app", status_code=303)
    set_cookie(
        response, runtime.settings, SESSION_COOKIE, token, max_age=int(runtime.settings.web_session_hours * 3600)
    )
    response.delete_cookie(SIGN_IN_CSRF_COOKIE, path="/")
    return response


@router.post("/sign-out")
async def sign_out_submit(request: Request) -> Response:
    session = await _session(request)
    form = await request.form()
    if session is not None and not tokens_match(session.csrf_token, str(form.get(CSRF_FIELD) or "")):
        return _render(request, "error.html", 403, session=session, csrf=session.csrf_token, message=CSRF_REFUSED)
    await run_in_threadpool(sign_out, _runtime(request).database, request)
    response = RedirectResponse("/sign-in", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/app")
async def sites_page(request: Request) -> Response:
    session = await _session(request)
    if session is None:
        return _to_sign_in()

    def read() -> list[Any]:
        with _runtime(request).database.connection() as conn:
            return list_sites(conn, account_id=session.account_id)

    sites = await run_in_threadpool(read)
    return _render(request, "sites.html", session=session, csrf=session.csrf_token, sites=sites)


def new_site_page(
    request: Request, session: WebSession, status_code: int = 200, template: str = "new_site.html", **context: Any
) -> HTMLResponse:
    """The new-site form (or, with ``template``, the grid editor's page for a niche outside the catalog)."""
    return _render(
        request,
        template,
        status_code,
        session=session,
        csrf=session.csrf_token,
        site_types=SITE_TYPES,
        industries=_runtime(request).catalog.industries,
        form=context.pop("form", {}),
        **context,
    )


@router.get("/app/sites/new")
async def new_site_form(request: Request) -> Response:
    session = await _session(request)
    return _to_sign_in() if session is None else new_site_page(request, session)


@router.post("/app/sites/new")
async def new_site_submit(request: Request) -> Response:
    session = await _session(request)
    if session is None:
        return _to_sign_in()
    form = await request.form()
    fields = {key: str(form.get(key) or "").strip() for key in ("name", "url", "industry", "site_type")}
    if not tokens_match(session.csrf_token, str(form.get(CSRF_FIELD) or "")):
        return new_site_page(request, session, 403, error=CSRF_REFUSED, form=fields)
    sectors = [str(s) for s in form.getlist("sectors") if str(s).strip()]
    runtime = _runtime(request)

    def create() -> Any:
        with runtime.database.connection() as conn:  # the account's own niches are offered by the picker too
            return create_site_with_key(
                conn,
                runtime.catalog,
                account_id=session.account_id,
                name=fields["name"],
                url=fields["url"] or None,
                industry=fields["industry"],
                sectors=sectors,
                site_type=fields["site_type"] or None,
                plan_limit_default=runtime.settings.default_plan,
                own_sectors=own_sector_industries(conn, account_id=session.account_id),
            )

    if not sectors or len(sectors) > 5:
        return new_site_page(request, session, 422, error="choose one to five sectors", form=fields)
    try:
        created = await run_in_threadpool(create)
    except CatalogError as exc:
        return new_site_page(request, session, 422, error=str(exc), form=fields)
    except SiteLimitReached as exc:
        return new_site_page(request, session, 409, error=str(exc), form=fields)
    return _render(
        request,
        "site_created.html",
        201,
        session=session,
        csrf=session.csrf_token,
        site=created.site,
        site_key=created.api_key,
    )


async def _site_page(request: Request, site_id: int, template: str) -> Response:
    session = await _session(request)
    if session is None:
        return _to_sign_in()

    def read() -> tuple[Any, list[dict[str, Any]], list[str]]:
        with _runtime(request).database.connection() as conn:
            site = get_site(conn, account_id=session.account_id, site_id=site_id)
            chats = recent_site_sessions(conn, account_id=session.account_id, site_id=site_id)
            return site, chats, alerts(conn, site_id=site_id)

    try:
        site, chats, waiting_on = await run_in_threadpool(read)
    except NotFound:
        return _render(
            request, "error.html", 404, session=session, csrf=session.csrf_token, message=f"site {site_id} not found"
        )
    return _render(
        request,
        template,
        session=session,
        csrf=session.csrf_token,
        site=site,
        site_types=SITE_TYPES,
        chats=chats,
        alerts=waiting_on,
    )


@router.get("/app/sites/{site_id:int}")
async def dashboard_page(request: Request, site_id: int) -> Response:
    return await _site_page(request, site_id, "dashboard.html")


@router.get("/app/sites/{site_id:int}/build")
async def build_page(request: Request, site_id: int) -> Response:
    return await _site_page(request, site_id, "build.html")


@router.get("/app/chat/{session_id}")
async def chat_page(request: Request, session_id: str) -> Response:
    session = await _session(request)
    if session is None:
        return _to_sign_in()
    if len(session_id) != 32 or not all(c in "0123456789abcdef" for c in session_id):
        return _render(
            request,
            "error.html",
            404,
            session=session,
            csrf=session.csrf_token,
            message="that chat session does not exist",
        )
    return _render(request, "chat.html", session=session, csrf=session.csrf_token, chat_id=session_id)
