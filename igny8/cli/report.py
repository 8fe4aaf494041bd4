"""`igny8 report` (a site's monthly white-label report), `igny8 report-brand` and `igny8 reports`."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from igny8.cli.app import app, console, err_console, fail
from igny8.config import get_settings
from igny8.memory.tenancy import NotFound, local_account
from igny8.services import open_services
from igny8.workflows.reports import ReportRequestError, list_site_reports, set_brand, write_report


@app.command("report")
def report(
    site: int = typer.Option(..., help="Site id."),
    month: str = typer.Option(..., help="YYYY-MM."),
    out: Path = typer.Option(..., help="FILE.pdf or FILE.html."),
    as_json: bool = typer.Option(False, "--json", help="Print the report's figures as JSON."),
) -> None:
    """Write a site's monthly report (health, pages, links, indexing, clicks and positions, backlinks, credits)."""
    try:
        with open_services(get_settings()) as runtime:
            with runtime.database.connection() as conn:
                account = local_account(conn)
            with err_console.status(f"rendering the {month} report for site {site}"):
                figures = write_report(runtime.database, account_id=account, site_id=site, month=month, out=out)
    except (NotFound, ReportRequestError) as exc:
        raise fail(str(exc)) from exc
    except OSError as exc:
        raise fail(f"cannot write {out}: {exc.strerror or exc}") from exc
    if as_json:
        print(json.dumps({"out": str(out.resolve()), "figures": figures}, indent=2))
        return
    console.print(
        f"[green]✓[/] {out}: health {figures['health']['current']}, {figures['pages']['written']} pages, "
        f"{figures['search']['clicks']:,} clicks, {figures['backlinks']['gained']} backlinks gained, "
        f"{figures['credits']['total']:,} credits used"
    )


@app.command("report-brand")
def report_brand(
    name: str = typer.Option(..., help="The agency's name, shown instead of ours."),
    primary: str = typer.Option("#1f3a5f", help="Main colour, #rrggbb."),
    accent: str = typer.Option("#e07a2e", help="Accent colour, #rrggbb."),
    logo: Path | None = typer.Option(None, help="PNG, JPEG or SVG logo (500 kB at most)."),
) -> None:
    """Set the white-label brand of the local account's reports."""
    try:
        data = logo.read_bytes() if logo is not None else None
    except OSError as exc:
        raise fail(f"cannot read the logo {logo}: {exc.strerror or exc}") from exc
    try:
        with open_services(get_settings()) as runtime:
            with runtime.database.connection() as conn:
                account = local_account(conn)
            set_brand(
                runtime.database, account_id=account, agency_name=name, primary_color=primary, accent_color=accent,
                logo=data,
            )  # fmt: skip
    except ReportRequestError as exc:
        raise fail(str(exc)) from exc
    console.print(f"reports of account {account} now carry {name!r}")


@app.command("reports")
def reports(site: int = typer.Option(...), as_json: bool = typer.Option(False, "--json")) -> None:
    """The reports generated for a site."""
    try:
        with open_services(get_settings()) as runtime:
            with runtime.database.connection() as conn:
                account = local_account(conn)
            rows = list_site_reports(runtime.database, account_id=account, site_id=site)
    except NotFound as exc:
        raise fail(str(exc)) from exc
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    for row in rows:
        console.print(f"{row['month']} {row['format']:4} {row['path']} ({row['created_at'][:19]})")
    if not rows:
        console.print(f"no report yet: `igny8 report --site {site} --month YYYY-MM --out report.pdf`")
