"""`igny8 demo`: the main job on the embedded defaults."""

from __future__ import annotations

import time

import typer
from rich.table import Table

from igny8.cli.app import app, console, fail
from igny8.cli.blueprint import create_blueprint
from igny8.cli.pipeline import run_with_progress
from igny8.config import get_settings
from igny8.memory.credit_ledger import credits_spent, tokens_used
from igny8.memory.tenancy import local_account
from igny8.services import open_services
from igny8.workflows.doctor import run_checks


@app.command()
def demo(
    industry: str = typer.Option("healthcare-medical", help="Industry of the demo site."),
    sector: list[str] = typer.Option(["dental-clinics"], help="Sector(s) of the demo site."),
    site_type: str = typer.Option("local_service", help="ecommerce, local_service, saas or blog."),
    pages: int = typer.Option(6, min=1, max=500, help="How many pages (top priority first) the pipeline writes."),
) -> None:
    """Check the set-up, design a whole site for a sector, write its top pages, and print the figures."""
    started = time.perf_counter()
    settings = get_settings()
    checks = run_checks(settings, probe_model=True)
    for check in checks:
        console.print(f"{'[green]ok[/]' if check.ok else '[red]MISSING[/]'}  {check.part}: {check.detail}")
    if not all(check.ok for check in checks):
        raise fail("the set-up is incomplete; each MISSING line says what to fix", code=1)
    built_at = time.perf_counter()
    blueprint = create_blueprint(industry=industry, sectors=sector, site_type=site_type)
    blueprint_done = time.perf_counter()
    assert blueprint.site_id is not None
    with open_services(settings) as runtime:
        with runtime.database.connection() as conn:
            account = local_account(conn)
        result = run_with_progress(runtime, account, blueprint.site_id, pages, None)
        finished = time.perf_counter()
        with runtime.database.connection() as conn:
            tokens = tokens_used(conn, site_id=blueprint.site_id)
            credits = credits_spent(conn, account_id=account, site_id=blueprint.site_id)
    table = Table(title=f"Site {blueprint.site_id}: blueprint v{blueprint.version} ({blueprint.status})")
    table.add_column("figure")
    table.add_column("value", justify="right")
    by_kind: dict[str, int] = {}
    for page in blueprint.pages:
        by_kind[page.kind] = by_kind.get(page.kind, 0) + 1
    rows = [
        ("attributes / values", f"{len(blueprint.attributes)} / {sum(len(a.values) for a in blueprint.attributes)}"),
        ("clusters", str(len(blueprint.clusters))),
        ("keywords", str(blueprint.keyword_count)),
        ("pages planned", f"{len(blueprint.pages)} ({', '.join(f'{k} {n}' for k, n in sorted(by_kind.items()))})"),
        ("planned internal links", str(len(blueprint.link_map))),
        ("health score", f"{blueprint.health.score}/100"),
        ("blueprint time", f"{blueprint_done - built_at:.1f} s"),
        ("pages written / words", f"{result.counts.get('pages_written', 0)} / {result.counts.get('words', 0)}"),
        ("approved / need review", f"{result.counts.get('approved', 0)} / {result.counts.get('in_review', 0)}"),
        ("pipeline time", f"{result.seconds:.1f} s"),
        ("model tokens / credits", f"{tokens} / {credits}"),
        ("total time", f"{finished - started:.1f} s"),
    ]
    for row in rows:
        table.add_row(*row)
    console.print(table)
    console.print(f"Static preview: {result.counts.get('preview')}")
    console.print(
        f"Inspect it with `igny8 blueprint show --site {blueprint.site_id}` "
        f"or export it with `igny8 blueprint export --site {blueprint.site_id} --out blueprint.json`."
    )
