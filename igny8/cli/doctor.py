"""`igny8 doctor`: what runs where, and what to fix when a part is missing."""

from __future__ import annotations

import typer
from rich.table import Table

from igny8.cli.app import app, console, fail
from igny8.config import get_settings


@app.command()
def doctor(
    probe: bool = typer.Option(True, help="Ask the architect model for a one-word answer."),
) -> None:
    """Show what runs where (database, models, embedder, executor); exit 1 if a part is missing."""
    from igny8.workflows.doctor import run_checks

    checks = run_checks(get_settings(), probe_model=probe)
    table = Table(title="igny8 doctor")
    table.add_column("part")
    table.add_column("status")
    table.add_column("detail", overflow="fold")
    for check in checks:
        table.add_row(check.part, "[green]ok[/]" if check.ok else "[red]MISSING[/]", check.detail)
    console.print(table)
    if not all(check.ok for check in checks):
        raise fail("some parts are missing; each row above says what to fix", code=1)
