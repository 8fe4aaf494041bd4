"""`igny8 keywords import`: stage 1, a keyword file filed under the active blueprint's clusters."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from igny8.cli.app import app, console, err_console, fail
from igny8.config import get_settings
from igny8.memory.tenancy import NotFound, local_account
from igny8.services import open_services
from igny8.tools.keyword_files.reading import KeywordFileError
from igny8.workflows.keyword_import import ImportSummary, import_keywords, read_file_bytes

keywords_app = typer.Typer(help="Keyword lists: import and file them under the blueprint.", no_args_is_help=True)
app.add_typer(keywords_app, name="keywords")


def _print_summary(summary: ImportSummary) -> None:
    if summary.already_imported:
        console.print(f"this file was already imported (import {summary.import_id}): nothing changed")
        return
    console.print(
        f"{summary.keywords} keywords ({summary.file_format}); {summary.duplicates_in_file} duplicates in the file, "
        f"{summary.already_filed} already filed by an earlier import; filed by: {summary.by_method}"
    )
    for slug, count in sorted(summary.clusters.items(), key=lambda item: -item[1])[:15]:
        console.print(f"  {count:5d}  {slug}")
    for name, members in summary.proposed_clusters.items():
        console.print(f"  [yellow]new cluster proposed[/] {name}: {len(members)} keywords ({', '.join(members[:3])}…)")


@keywords_app.command("import")
def keywords_import(
    file: Path = typer.Argument(..., help="A Search Console export, an SEO tool's CSV, or one keyword per line."),
    site: int = typer.Option(..., help="Site id (its active blueprint receives the keywords)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """File every keyword under one cluster of the active blueprint, or one proposed new cluster."""
    try:
        data = read_file_bytes(file)
        with open_services(get_settings()) as runtime:
            with runtime.database.connection() as conn:
                account = local_account(conn)
            with Progress(
                TextColumn("{task.description:>10}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err_console,
                disable=as_json,
            ) as bars:
                tasks: dict[str, int] = {}

                def progress(step: str, done: int, total: int) -> None:
                    if step not in tasks:
                        tasks[step] = bars.add_task(step, total=max(total, 1))
                    bars.update(tasks[step], completed=done, total=max(total, 1))

                summary = import_keywords(
                    runtime, account_id=account, site_id=site, data=data, file_name=file.name, progress=progress
                )
    except (KeywordFileError, NotFound) as exc:
        raise fail(str(exc)) from exc
    if as_json:
        print(json.dumps(summary.as_dict(), indent=2, default=str))
    else:
        _print_summary(summary)
