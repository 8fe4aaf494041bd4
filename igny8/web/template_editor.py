"""A niche outside the catalog, from the web app: the grid editor's page, the architect's draft of a grid
(only with a capable model), and creating a site on the grid. The grid is checked by the same validator as
a template file (igny8/catalog/template_file.py), every problem returned with the field it is about; it is
stored as the account's template (``user_contributed``, or ``ai_generated`` when the architect's draft is
taken as drafted), reused by the account's other sites, and the site is created on it in one transaction."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse, Response
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from igny8.agents.architect import ArchitectAgent, TemplateRefused
from igny8.catalog.custom_sectors import resolve_sector
from igny8.catalog.loader import CatalogError
from igny8.catalog.template_file import TemplateInvalid, check_template
from igny8.domain.catalog import SectorInfo, SiteType
from igny8.domain.text import InputModel
from igny8.llm.gateway import Meter
from igny8.llm.local_provider import PROVIDER as LOCAL_PROVIDER
from igny8.memory.sector_templates_repo import account_templates
from igny8.services import Services
from igny8.web.data import PostingSession, Session
from igny8.web.pages import _session, _to_sign_in, new_site_page
from igny8.workflows.site_setup import SiteLimitReached, check_url, create_site_on_template

router = APIRouter(include_in_schema=False)
SectorSlug = Annotated[str, Path(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=80)]


class NicheIn(InputModel):
    industry: str = Field(min_length=1, max_length=100, description="an industry's slug from the catalog")
    sector_name: str = Field(min_length=1, max_length=100, description="the niche, e.g. 'Axe Throwing Venues'")
    site_type: SiteType


class GridIn(NicheIn):
    site_name: str = Field(min_length=1, max_length=200)
    url: str | None = Field(default=None, max_length=300)
    attributes: list[dict[str, Any]] = Field(max_length=20)
    keyword_templates: list[dict[str, Any]] = Field(max_length=60)
    drafted: bool = Field(default=False, description="the grid is the architect's draft, unedited")


class FieldRefused(CatalogError):
    """A refusal about one field of the form (``sector_name``, ``url``, ``site_name``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _runtime(request: Request) -> Services:
    return request.app.state.runtime


def embedded_only(runtime: Services) -> str | None:
    """The architect's model when it is the embedded one (too small to design a grid), else None."""
    model = runtime.gateway.model_for("architect")
    return model if model.startswith(f"{LOCAL_PROVIDER}/") else None


def _refused(status: int, message: str, errors: dict[str, list[str]] | None = None) -> JSONResponse:
    return JSONResponse({"success": False, "error": message, "errors": errors or {}}, status_code=status)


def _sector(runtime: Services, body: NicheIn) -> SectorInfo:
    """The niche as a sector outside the catalog; a catalog sector, or a typo of one, is refused with hints."""
    industry = runtime.catalog.industry(body.industry)
    try:
        sector = resolve_sector(runtime.catalog, industry, body.sector_name, body.site_type)
    except CatalogError as exc:
        raise FieldRefused("sector_name", str(exc)) from exc
    if any(s.slug == sector.slug for s in industry.sectors):
        raise FieldRefused(
            "sector_name", f"{sector.name!r} is in the catalog: choose it in the sector picker of the new-site form"
        )
    return sector


@router.get("/app/sites/new/niche")
async def niche_page(request: Request) -> Response:
    session = await _session(request)
    if session is None:
        return _to_sign_in()
    runtime = _runtime(request)
    return new_site_page(request, session, template="new_niche.html", embedded_model=embedded_only(runtime))


@router.get("/app/data/niche/templates")
def own_templates(request: Request, session: Session) -> list[dict[str, Any]]:
    """The account's stored templates, for the new-site form's sector picker."""
    with _runtime(request).database.connection() as conn:
        stored = account_templates(conn, account_id=session.account_id)
    return [
        {
            "sector": s.template.sector,
            "name": s.name or s.template.sector.replace("-", " ").title(),
            "industry": s.template.industry,
            "source": s.template.source,
        }
        for s in stored
    ]


@router.get("/app/data/niche/starts/{industry}")
def starts(request: Request, session: Session, industry: SectorSlug) -> Any:
    """The industry's catalog sectors that have a grid to start the editor from."""
    catalog = _runtime(request).catalog
    try:
        sectors = catalog.industry(industry).sectors
    except CatalogError as exc:
        return _refused(404, str(exc))
    return [{"slug": s.slug, "name": s.name} for s in sectors if catalog.template(s.slug) is not None]


@router.get("/app/data/niche/start/{sector}")
def start_from(request: Request, session: Session, sector: SectorSlug) -> Any:
    """A catalog sector's grid to start the editor from."""
    template = _runtime(request).catalog.template(sector)
    if template is None:
        return _refused(404, f"the catalog has no template for {sector!r}: choose one of the listed sectors")
    return template.model_dump(mode="json", include={"attributes", "keyword_templates"})


@router.post("/app/data/niche/draft")
async def draft(request: Request, session: PostingSession, body: NicheIn) -> Any:
    """The architect's draft of the niche's grid, to edit before it is used; nothing is stored."""
    runtime = _runtime(request)
    model = embedded_only(runtime)
    if model is not None:
        return _refused(
            409,
            f"only the embedded model ({model}) is configured, and it is too small to design a grid: write the "
            "grid in the editor (start from a catalog sector's grid if you like), or configure a capable architect "
            "model (IGNY8_ARCHITECT_MODEL, with IGNY8_MODEL_API_KEY or IGNY8_MODEL_API_BASE) and reload the page",
        )

    def run() -> dict[str, Any]:
        industry = runtime.catalog.industry(body.industry)
        sector = _sector(runtime, body)
        example = next(
            (runtime.catalog.template(s.slug) for s in industry.sectors if runtime.catalog.template(s.slug)), None
        )
        template = ArchitectAgent(runtime.gateway).discover_sector_attributes(
            industry, sector, example=example, meter=Meter(session.account_id, None)
        )
        return template.model_dump(mode="json", include={"attributes", "keyword_templates"})

    try:
        return await run_in_threadpool(run)
    except TemplateRefused as exc:
        listed = {"template": [str(v) for v in exc.violations]}
        return _refused(
            422, "the architect's draft broke the template rules even after a repair: write the grid", listed
        )
    except FieldRefused as exc:
        return _refused(422, str(exc), {exc.field: [str(exc)]})
    except CatalogError as exc:
        return _refused(422, str(exc))


@router.post("/app/data/niche/sites", status_code=201)
async def create_on_grid(request: Request, session: PostingSession, body: GridIn) -> Any:
    """Check the grid, store it as the account's template for the niche and create the site on it."""
    runtime = _runtime(request)

    def run() -> dict[str, Any]:
        sector = _sector(runtime, body)
        if not body.site_name.strip():
            raise FieldRefused("site_name", "give the site a name")
        try:
            check_url(body.url or None)
        except CatalogError as exc:
            raise FieldRefused("url", str(exc)) from exc
        template = check_template(
            {"attributes": body.attributes, "keyword_templates": body.keyword_templates},
            what=f"the grid of {sector.name}",
            industry=runtime.catalog.industry(body.industry).slug,
            sectors=[sector],
            source="ai_generated" if body.drafted else "user_contributed",
        )
        with runtime.database.connection() as conn:
            created = create_site_on_template(
                conn,
                runtime.catalog,
                account_id=session.account_id,
                name=body.site_name,
                url=body.url or None,
                sector=sector,
                template=template,
                plan_limit_default=runtime.settings.default_plan,
            )
        return {
            "site": {"id": created.site.id, "name": created.site.name, "sectors": created.site.sectors},
            "sector": {"slug": sector.slug, "name": sector.name, "source": template.source},
            "site_key": created.api_key,
            "build": f"/app/sites/{created.site.id}/build",
        }

    try:
        return await run_in_threadpool(run)
    except TemplateInvalid as exc:
        errors: dict[str, list[str]] = {}
        for field, problem in exc.problems:
            errors.setdefault(field, []).append(problem)
        count = len(exc.problems)
        return _refused(422, f"the grid breaks {count} of the template rules: fix each one where it is shown", errors)
    except SiteLimitReached as exc:
        return _refused(409, str(exc))
    except FieldRefused as exc:
        return _refused(422, str(exc), {exc.field: [str(exc)]})
    except CatalogError as exc:
        return _refused(422, str(exc))
