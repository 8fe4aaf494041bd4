"""`igny8 video make`: stage 9 for one page, the video with its .srt and .vtt beside it."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from igny8.cli.app import app, console, err_console, fail
from igny8.config import get_settings
from igny8.memory.tenancy import NotFound, local_account
from igny8.services import open_services
from igny8.stages.video import VIDEO_ERRORS, make_page_video, video_format

video_app = typer.Typer(help="Narrated videos made from the site's pages.", no_args_is_help=True)
app.add_typer(video_app, name="video")
STEPS = {"voice": "voice-over", "slides": "slides", "video": "composing"}


@video_app.command("make")
def video_make(
    site: int = typer.Option(...),
    page: str = typer.Option(..., help="The page's slug."),
    format_name: str = typer.Option(
        "short", "--format", help="short (30–90 s, 9:16), medium (60–180 s), long (5–15 min, 16:9)."
    ),
    landscape: bool = typer.Option(False, help="16:9 for the medium format (9:16 otherwise)."),
    out: Path | None = typer.Option(None, help="Folder for the video (default: <data dir>/videos/site-N)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Script, voice-over, slides, composition and subtitles; the video is attached to the page."""
    settings = get_settings()
    try:
        fmt = video_format(format_name, landscape=landscape)
        with open_services(settings) as runtime:
            with runtime.database.connection() as conn:
                account = local_account(conn)
            with Progress(
                TextColumn("{task.description:>10}"),
                BarColumn(),
                TextColumn("{task.percentage:>3.0f}%"),
                TimeElapsedColumn(),
                console=err_console,
            ) as bars:
                tasks: dict[str, int] = {}

                def progress(step: str, done: float, total: float) -> None:
                    if step not in tasks:
                        tasks[step] = bars.add_task(STEPS.get(step, step), total=max(total, 1))
                    bars.update(tasks[step], completed=done, total=max(total, 1))

                made = make_page_video(
                    runtime.database,
                    settings,
                    account_id=account,
                    site_id=site,
                    slug=page,
                    fmt=fmt,
                    out_dir=out,
                    progress=progress,
                )
    except (NotFound, LookupError, ValueError, *VIDEO_ERRORS) as exc:
        raise fail(str(exc)) from exc
    summary = {
        "video": str(made.path),
        "srt": str(made.srt_path),
        "vtt": str(made.vtt_path),
        "thumbnail": str(made.thumbnail),
        "duration_s": round(made.duration_s, 2),
        "width": made.width,
        "height": made.height,
        "voice": made.voice,
        "json_ld": made.json_ld,
    }
    if as_json:
        print(json.dumps(summary, indent=2))
        return
    console.print(f"[green]✓[/] {made.path} ({made.duration_s:.1f} s, {made.width}×{made.height}, {made.voice})")
    console.print(f"  subtitles: {made.srt_path.name}, {made.vtt_path.name}")
