"""`igny8 catalog ...` and `igny8 blueprint ...`."""

from __future__ import annotations

import dataclasses
import json
import uuid
from pathlib import Path
from typing import Any

import typer
from langgraph.types import Command
from rich.table import Table

from igny8.catalog.build_request import load_business_file, resolve_sectors
from igny8.catalog.loader import CatalogError, load_catalog
from igny8.catalog.template_file import load_template_file
from igny8.cli.app import app, console, err_console, fail
from igny8.config import get_settings
from igny8.domain.blueprint import Blueprint
from igny8.domain.business import BusinessDetails
from igny8.graphs.site_build import BuildRequest, SiteBuildContext, build_graph, initial_state
from igny8.memory.blueprints import activate_blueprint, get_blueprint, list_blueprints
from igny8.memory.checkpoints import open_checkpointer
from igny8.memory.database import DatabaseUnavailable
from igny8.memory.sector_templates_repo import save_sector_template
from igny8.memory.tenancy import NotFound, local_account
from igny8.services import open_services
from igny8.tools.sag.attribute_population import PopulationError
from igny8.tools.sag.review_commands import REVIEW_HELP, parse_review_lines

blueprint_app = typer.Typer(help="Design, inspect and activate site blueprints.", no_args_is_help=True)
app.add_typer(blueprint_app, name="blueprint")


def _show_attributes(payload: dict[str, Any]) -> None:
    table = Table(title="Attributes (review)")
    for column in ("slug", "name", "level", "kind", "values"):
        table.add_column(column, overflow="fold")
    for a in payload["attributes"]:
        table.add_row(a["slug"], a["name"], a["level"], a["kind"], ", ".join(a["values"]))
    console.print(table)


def _show_clusters(payload: dict[str, Any]) -> None:
    table = Table(title=f"Cluster preview: {len(payload['clusters'])} clusters")
    for column in ("slug", "type", "keywords", "hub title", "examples"):
        table.add_column(column, overflow="fold")
    for c in payload["clusters"]:
        table.add_row(c["slug"], c["type"], str(c["keywords"]), c["hub"], "; ".join(c["examples"]))
    console.print(table)


def _ask_review(payload: dict[str, Any]) -> dict[str, Any]:
    (_show_attributes if payload["stage"] == "attributes" else _show_clusters)(payload)
    for error in payload.get("errors", []):
        err_console.print(f"[red]{error}[/]")
    console.print(REVIEW_HELP)
    while True:
        lines = []
        while True:
            line = typer.prompt(">", default="", show_default=False).strip()
            if not line:
                break
            lines.append(line)
        try:
            return parse_review_lines(lines)
        except ValueError as exc:
            err_console.print(f"[red]{exc}[/]; try again")


def _run_build(
    graph: Any, start: Any, config: dict[str, Any], context: SiteBuildContext, interactive: bool
) -> dict[str, Any]:
    """Stream the graph, printing progress, answering review pauses at the terminal."""
    payload: Any = start
    while True:
        interrupted = None
        with err_console.status("building…") as status:
            for update in graph.stream(payload, config, context=context, stream_mode="updates"):
                for node, change in update.items():
                    if node == "__interrupt__":
                        interrupted = change[0].value
                        continue
                    for line in (change or {}).get("progress", []):
                        err_console.print(f"[green]✓[/] {line}")
                    status.update(f"{node} done…")
        if interrupted is None:
            return dict(graph.get_state(config).values)
        if not interactive:
            raise fail(
                f"the build paused for review; resume it with `igny8 blueprint resume "
                f"{config['configurable']['thread_id']}`"
            )
        payload = Command(resume=_ask_review(interrupted))


def _print_blueprint_summary(blueprint: Blueprint) -> None:
    console.print(
        f"[bold]Blueprint v{blueprint.version}[/] ({blueprint.status}) for site {blueprint.site_id}: "
        f"{len(blueprint.attributes)} attributes, {len(blueprint.clusters)} clusters, "
        f"{blueprint.keyword_count} keywords, {len(blueprint.pages)} pages, "
        f"{len(blueprint.link_map)} planned links, health {blueprint.health.score}/100"
    )
    for note in blueprint.notes:
        console.print(f"  · {note}")


def _stored(values: dict[str, Any], activate: bool) -> Blueprint:
    settings = get_settings()
    with open_services(settings) as runtime, runtime.database.connection() as conn:
        account = local_account(conn)
        site_id, version = values["site_id"], values["version"]
        return (
            activate_blueprint(conn, account_id=account, site_id=site_id, version=version)
            if activate
            else get_blueprint(conn, account_id=account, site_id=site_id, version=version)
        )


def _emit(blueprint: Blueprint, as_json: bool, out: Path | None) -> None:
    document = blueprint.model_dump_json(indent=2)
    if out is not None:
        out.write_text(document, encoding="utf-8")
    if as_json:
        print(document)
    else:
        _print_blueprint_summary(blueprint)
        if out is not None:
            console.print(f"written to {out}")


@blueprint_app.command("create")
def blueprint_create(
    industry: str = typer.Option(..., help="Industry slug or name (see `igny8 catalog industries`)."),
    sector: list[str] = typer.Option(..., help="Sector slug or name; repeat for up to five."),
    site_type: str = typer.Option(..., help="ecommerce, local_service, saas or blog."),
    business: Path | None = typer.Option(None, help="YAML or JSON file with the business's own details."),
    template: list[Path] = typer.Option(
        [], help="YAML or JSON attribute template for a sector (one outside the catalog too); repeatable."
    ),
    site: int | None = typer.Option(None, help="An existing site id; default creates a new site."),
    name: str | None = typer.Option(None, help="Name of the new site."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Approve the reviews without asking."),
    activate: bool = typer.Option(True, help="Activate the new version."),
    as_json: bool = typer.Option(False, "--json", help="Print the blueprint as JSON."),
    out: Path | None = typer.Option(None, help="Also write the blueprint JSON to this file."),
) -> None:
    """Design a whole site: attributes, clusters, keywords, taxonomy, pages, links and health."""
    blueprint = create_blueprint(
        industry=industry,
        sectors=sector,
        site_type=site_type,
        business=business,
        templates=template,
        site=site,
        name=name,
        interactive=not yes,
        activate=activate,
    )
    _emit(blueprint, as_json, out)


def create_blueprint(
    *,
    industry: str,
    sectors: list[str],
    site_type: str,
    business: Path | None = None,
    templates: list[Path] | None = None,
    site: int | None = None,
    name: str | None = None,
    interactive: bool = False,
    activate: bool = True,
) -> Blueprint:
    """Validate the request, run the site_build graph (asking at the review pauses when interactive) and
    return the stored blueprint. Errors exit with a message that says what to fix."""
    catalog = load_catalog()
    try:
        industry_entry, resolved = resolve_sectors(catalog, industry, sectors, site_type, allow_custom=True)
        details = load_business_file(business) if business else BusinessDetails()
        written = [load_template_file(p, industry=industry_entry.slug, sectors=resolved) for p in templates or []]
    except CatalogError as exc:
        raise fail(str(exc)) from exc
    settings = get_settings()
    thread_id = f"site-build-{uuid.uuid4().hex[:12]}"
    try:
        with open_services(settings) as runtime:
            with runtime.database.connection() as conn:
                account = local_account(conn)
                names = {s.slug: s.name for s in resolved}
                for written_template in written:  # kept for the account's other sites too
                    save_sector_template(
                        conn, written_template, account_id=account, name=names[written_template.sector]
                    )
            request = BuildRequest(
                account_id=account,
                site_id=site,
                industry=industry_entry.slug,
                sectors=[s.slug for s in resolved],
                site_name=name or details.name or " + ".join(s.name for s in resolved),
                site_type=site_type,
                business=details.model_dump(mode="json"),
                auto_approve=not interactive,
            )
            err_console.print(
                f"build {thread_id}: {industry_entry.name} / {', '.join(s.name for s in resolved)} ({site_type})"
            )
            context = SiteBuildContext.of(runtime)
            with open_checkpointer(runtime.database) as saver:
                values = _run_build(
                    build_graph(saver),
                    initial_state(request),
                    {"configurable": {"thread_id": thread_id}},
                    context,
                    interactive=interactive,
                )
    except (PopulationError, CatalogError, NotFound, DatabaseUnavailable) as exc:
        raise fail(str(exc)) from exc
    return _stored(values, activate)


@blueprint_app.command("resume")
def blueprint_resume(
    thread: str = typer.Argument(..., help="The build id printed by `blueprint create`."),
    activate: bool = typer.Option(True, help="Activate the new version."),
    as_json: bool = typer.Option(False, "--json"),
    out: Path | None = typer.Option(None),
) -> None:
    """Continue a build that paused for review or stopped, from its checkpoint."""
    settings = get_settings()
    with open_services(settings) as runtime, open_checkpointer(runtime.database) as saver:
        graph = build_graph(saver)
        config = {"configurable": {"thread_id": thread}}
        snapshot = graph.get_state(config)
        if not snapshot.values:
            raise fail(f"no build {thread!r}")
        context = SiteBuildContext.of(runtime)
        if snapshot.interrupts:
            start: Any = Command(resume=_ask_review(snapshot.interrupts[0].value))
        elif snapshot.next:
            start = None
        else:
            start = None
        values = (
            _run_build(graph, start, config, context, interactive=True)
            if (snapshot.next or start)
            else dict(snapshot.values)
        )
    _emit(_stored(values, activate), as_json, out)


def _with_conn(fn: Any) -> Any:
    settings = get_settings()
    try:
        with open_services(settings) as runtime, runtime.database.connection() as conn:
            return fn(conn, local_account(conn))
    except (NotFound, ValueError) as exc:
        raise fail(str(exc)) from exc


@blueprint_app.command("list")
def blueprint_list(site: int | None = typer.Option(None), as_json: bool = typer.Option(False, "--json")) -> None:
    """List blueprint versions."""
    rows = _with_conn(lambda conn, account: list_blueprints(conn, account_id=account, site_id=site))
    if as_json:
        print(json.dumps([{**dataclasses.asdict(r), "created_at": r.created_at.isoformat()} for r in rows], indent=2))
        return
    table = Table(title="Blueprints")
    for column in ("site", "version", "status", "clusters", "keywords", "health", "created"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            str(r.site_id),
            str(r.version),
            r.status,
            str(r.cluster_count),
            str(r.keyword_count),
            f"{r.health_score:.0f}" if r.health_score is not None else "-",
            r.created_at.strftime("%F %T"),
        )
    console.print(table)


@blueprint_app.command("show")
def blueprint_show(
    site: int = typer.Option(...),
    version: int | None = typer.Option(None, help="Default: active."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Show a blueprint version (the active one by default)."""
    blueprint = _with_conn(lambda conn, account: get_blueprint(conn, account_id=account, site_id=site, version=version))
    _emit(blueprint, as_json, None)
    if not as_json:
        table = Table(title="Clusters")
        for column in ("name", "type", "keywords", "hub"):
            table.add_column(column, overflow="fold")
        for c in blueprint.clusters:
            table.add_row(c.name, c.type, str(len(c.keywords)), c.hub.title)
        console.print(table)


@blueprint_app.command("activate")
def blueprint_activate(site: int = typer.Option(...), version: int = typer.Option(...)) -> None:
    """Make a version the site's active blueprint (the previous one is superseded)."""
    blueprint = _with_conn(
        lambda conn, account: activate_blueprint(conn, account_id=account, site_id=site, version=version)
    )
    console.print(f"site {site}: blueprint v{blueprint.version} is active")


@blueprint_app.command("export")
def blueprint_export(
    site: int = typer.Option(...),
    version: int | None = typer.Option(None),
    out: Path | None = typer.Option(None, help="File to write; default prints."),
) -> None:
    """Export a blueprint version as JSON."""
    blueprint = _with_conn(lambda conn, account: get_blueprint(conn, account_id=account, site_id=site, version=version))
    _emit(blueprint, as_json=out is None, out=out)
