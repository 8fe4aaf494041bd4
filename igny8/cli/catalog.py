"""`igny8 catalog ...`: the industries, sectors and shipped sector attribute templates."""

from __future__ import annotations

import json

import typer
import yaml
from rich.table import Table

from igny8.catalog.loader import CatalogError, load_catalog, load_template_files
from igny8.catalog.validation import validate_catalog
from igny8.cli.app import app, console, fail

catalog_app = typer.Typer(help="The industry catalog and sector attribute templates.", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")


@catalog_app.command("industries")
def catalog_industries(as_json: bool = typer.Option(False, "--json")) -> None:
    """List the industries."""
    catalog = load_catalog()
    rows = [
        {
            "slug": i.slug,
            "name": i.name,
            "sectors": len(i.sectors),
            "templates": sum(1 for s in i.sectors if s.slug in catalog.templates),
        }
        for i in catalog.industries
    ]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(title=f"{len(rows)} industries, {catalog.sector_count} sectors")
    for column in ("slug", "name", "sectors", "templates"):
        table.add_column(column)
    for row in rows:
        table.add_row(*(str(row[c]) for c in ("slug", "name", "sectors", "templates")))
    console.print(table)


@catalog_app.command("sectors")
def catalog_sectors(
    industry: str | None = typer.Option(None, help="Only this industry."), as_json: bool = typer.Option(False, "--json")
) -> None:
    """List the sectors, with their site types and whether a template is authored."""
    catalog = load_catalog()
    try:
        industries = [catalog.industry(industry)] if industry else catalog.industries
    except CatalogError as exc:
        raise fail(str(exc)) from exc
    rows = [
        {
            "industry": i.slug,
            "slug": s.slug,
            "name": s.name,
            "site_types": s.site_types,
            "template": s.slug in catalog.templates,
        }
        for i in industries
        for s in i.sectors
    ]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(title=f"{len(rows)} sectors")
    for column in ("industry", "slug", "name", "site types", "template"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["industry"],
            row["slug"],
            row["name"],
            ", ".join(row["site_types"]),
            "authored" if row["template"] else "on demand",
        )
    console.print(table)


@catalog_app.command("validate")
def catalog_validate() -> None:
    """Check every template against the hard constraints and list each violation."""
    templates, problems = load_template_files()
    catalog = load_catalog()
    violations = validate_catalog(catalog, problems)
    for violation in violations:
        console.print(f"[red]✗[/] {violation}")
    console.print(
        f"{len(catalog.industries)} industries, {catalog.sector_count} sectors, "
        f"{len(templates)} authored templates: {len(violations)} violations"
    )
    if violations:
        raise typer.Exit(1)


@catalog_app.command("template")
def catalog_template(
    sector: str = typer.Argument(..., help="A catalog sector slug or name."),
    as_json: bool = typer.Option(False, "--json", help="JSON instead of YAML."),
) -> None:
    """Print a shipped sector template: a starting point for `blueprint create --template FILE`."""
    catalog = load_catalog()
    try:
        slug = catalog.sector(sector).sector.slug
    except CatalogError as exc:
        raise fail(str(exc)) from exc
    shipped = catalog.template(slug)
    if shipped is None:
        raise fail(f"sector {slug!r} has no shipped template")
    data = shipped.model_dump(mode="json", exclude={"source"}, exclude_defaults=True)
    print(json.dumps(data, indent=2) if as_json else yaml.safe_dump(data, sort_keys=False, width=120), end="")
