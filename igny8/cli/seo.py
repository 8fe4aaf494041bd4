"""`igny8 links plan|audit`, `igny8 schema enhance`, `igny8 optimize score|run`."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import typer
from rich.table import Table

from igny8.cli.app import app, console, fail
from igny8.config import get_settings
from igny8.memory.blueprints import get_blueprint
from igny8.memory.tenancy import NotFound, local_account
from igny8.services import Services, open_services
from igny8.stages.enhance import enhance_site
from igny8.stages.linking import audit_site, link_site
from igny8.stages.optimize import optimise_lowest, optimise_page, score_site

links_app = typer.Typer(help="Internal links: plan and place them, or audit a whole site.", no_args_is_help=True)
schema_app = typer.Typer(help="JSON-LD and on-page SERP elements.", no_args_is_help=True)
optimize_app = typer.Typer(help="Score pages 0–100 and optimise the weakest.", no_args_is_help=True)
app.add_typer(links_app, name="links")
app.add_typer(schema_app, name="schema")
app.add_typer(optimize_app, name="optimize")


def _with_site(site: int, work: Callable[[Services, int, Any], Any]) -> Any:
    settings = get_settings()
    try:
        with open_services(settings) as runtime:
            with runtime.database.connection() as conn:
                account = local_account(conn)
                blueprint = get_blueprint(conn, account_id=account, site_id=site)
            return work(runtime, account, blueprint)
    except NotFound as exc:
        raise fail(str(exc)) from exc


@links_app.command("plan")
def links_plan(site: int = typer.Option(...), as_json: bool = typer.Option(False, "--json")) -> None:
    """Place internal links in every written page (incremental; a page keeps the links it has)."""
    result = _with_site(
        site, lambda rt, account, bp: link_site(rt.database, rt.gateway, account_id=account, site_id=site, blueprint=bp)
    )
    summary = {
        "pages": result.pages,
        "links_added": result.links_added,
        "bridged": result.bridged,
        "orphans_rescued": result.rescued,
        "failures": result.failures,
    }
    print(json.dumps(summary, indent=2)) if as_json else console.print(summary)


@links_app.command("audit")
def links_audit(site: int = typer.Option(...), as_json: bool = typer.Option(False, "--json")) -> None:
    """Orphans, broken internal links, supporting pages missing their hub link, density, coverage."""
    report = _with_site(site, lambda rt, account, bp: audit_site(rt.database, site_id=site, blueprint=bp))
    print(json.dumps(report.as_dict(), indent=2)) if as_json else console.print(report.readable())
    if not report.ok:
        raise typer.Exit(1)


@schema_app.command("enhance")
def schema_enhance(site: int = typer.Option(...)) -> None:
    """Add or refresh JSON-LD and SERP elements on every stored page (retroactive enhancement)."""
    result = _with_site(
        site, lambda rt, account, bp: enhance_site(rt.database, account_id=account, site_id=site, blueprint=bp)
    )
    console.print(
        f"{result.pages} pages, {result.blocks} JSON-LD blocks, {len(result.invalid)} invalid, "
        f"{result.warnings} recommended properties missing; elements: {result.elements}"
    )
    for line in result.invalid:
        console.print(f"[red]✗[/] {line}")


@optimize_app.command("score")
def optimize_score(
    site: int = typer.Option(...),
    page: str | None = typer.Option(None, help="One page's slug."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Each page's 0–100 score with its dimensions explained (lowest first)."""
    scored = _with_site(site, lambda rt, account, bp: score_site(rt.database, site_id=site, blueprint=bp))
    if page:
        scored = [(row, score) for row, score in scored if row["slug"] == page]
        if not scored:
            raise fail(f"site {site} has no written page {page!r}")
    if as_json:
        print(json.dumps([{"slug": row["slug"], **score.as_dict()} for row, score in scored], indent=2))
        return
    table = Table(title=f"Content scores, site {site}")
    table.add_column("page", overflow="fold")
    table.add_column("score", justify="right")
    table.add_column("dimensions", overflow="fold")
    for row, score in scored:
        table.add_row(
            row["slug"],
            f"{score.total:.0f}",
            "\n".join(f"{d.name} {d.points:g}/{d.out_of}: {d.why}" for d in score.dimensions)
            if page
            else ", ".join(f"{d.name} {d.points:g}/{d.out_of}" for d in score.dimensions),
        )
    console.print(table)


@optimize_app.command("run")
def optimize_run(
    site: int = typer.Option(...),
    page: str | None = typer.Option(None),
    lowest: int = typer.Option(5, min=1, max=500, help="Batch mode: the N lowest-scoring pages."),
    below: float = typer.Option(100.0, help="Only pages scoring under this."),
) -> None:
    """Rewrite pages with the optimizer agent; a rewrite that lowers the score is rejected."""

    def work(rt: Services, account: int, bp: Any) -> list:
        if page:
            rows = [row for row, _ in score_site(rt.database, site_id=site, blueprint=bp) if row["slug"] == page]
            if not rows:
                raise NotFound(f"site {site} has no written page {page!r}")
            return [optimise_page(rt.database, rt.gateway, account_id=account, site_id=site, blueprint=bp, row=rows[0])]
        return optimise_lowest(
            rt.database, rt.gateway, account_id=account, site_id=site, blueprint=bp, count=lowest, below=below
        )

    for result in _with_site(site, work):
        mark = "[green]kept[/]" if result.accepted else "[yellow]rejected[/]"
        console.print(f"{result.slug}: {result.before:.0f} → {result.after:.0f} {mark} ({result.reason})")
