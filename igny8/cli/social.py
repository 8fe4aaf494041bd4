"""`igny8 social choose|connect|plan|publish|status`: stage 8, the site's pages promoted on social networks."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from igny8.agents.social import SocialAgent
from igny8.cli.app import app, console, err_console, fail
from igny8.config import get_settings
from igny8.llm.gateway import ModelOutputError
from igny8.memory import social_repo
from igny8.memory.secret_box import SecretKeyMissing, secret_box_for
from igny8.memory.tenancy import NotFound, get_site, local_account
from igny8.services import open_services
from igny8.stages.social import chosen_platforms, plan_social_posts
from igny8.stages.social_publish import connect_social_account, send_due_posts
from igny8.tools.social.rules import PLATFORMS

social_app = typer.Typer(
    help="Promote published pages on LinkedIn, X, Facebook, Instagram and TikTok.", no_args_is_help=True
)
app.add_typer(social_app, name="social")
NETWORKS = ", ".join(PLATFORMS)


def _bars() -> Progress:
    return Progress(
        TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err_console
    )


def _progress_into(bars: Progress):  # type: ignore[no-untyped-def]
    tasks: dict[str, Any] = {}

    def progress(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bars.add_task(stage, total=max(total, 1))
        bars.update(tasks[stage], completed=done, total=max(total, 1))

    return progress


def _json(value: Any) -> None:
    print(json.dumps(value, indent=2, default=str))


@social_app.command("choose")
def social_choose(
    site: int = typer.Option(...),
    platform: list[str] = typer.Option([], help=f"A network to post on (repeat): {NETWORKS}."),
    video: str = typer.Option("none", help="A video per page: short, medium, long or none."),
) -> None:
    """Choose the site's networks and video format; the pipeline's stages 8 and 9 follow the choice."""
    if video not in ("short", "medium", "long", "none"):
        raise fail(f"--video must be short, medium, long or none, not {video!r}")
    settings = get_settings()
    try:
        with open_services(settings) as runtime, runtime.database.connection() as conn:
            account = local_account(conn)
            get_site(conn, account_id=account, site_id=site)
            platforms = chosen_platforms(conn, site_id=site, platforms=platform) if platform else []
            social_repo.set_promotion_choice(
                conn, site_id=site, platforms=list(platforms), video_format=None if video == "none" else video
            )
    except (NotFound, ValueError) as exc:
        raise fail(str(exc)) from exc
    console.print(f"site {site}: posts on {', '.join(platforms) or 'no network'}; video: {video}")


@social_app.command("connect")
def social_connect(
    site: int = typer.Option(...),
    platform: str = typer.Option(..., help=NETWORKS),
    account_ref: str = typer.Option(
        "me",
        "--account",
        help="Who posts: LinkedIn urn:li:person:ID or urn:li:organization:ID, a Facebook page "
        "id, an Instagram user id; X and TikTok post as the token's user (me).",
    ),
    token: str = typer.Option(
        ..., prompt=True, hide_input=True, envvar="IGNY8_SOCIAL_TOKEN", help="The account's OAuth 2.0 access token."
    ),
    expires_in: int | None = typer.Option(None, min=60, help="Seconds until the token expires, as OAuth said."),
) -> None:
    """Save a network account for the site (the token encrypted); posts held for a reconnection are released."""
    settings = get_settings()
    expires_at = datetime.now(UTC) + timedelta(seconds=expires_in) if expires_in else None
    try:
        secrets = secret_box_for(settings)
        with open_services(settings) as runtime, runtime.database.connection() as conn:
            account = local_account(conn)
            connect_social_account(
                conn,
                account_id=account,
                site_id=site,
                platform=platform,
                account_ref=account_ref,
                access_token=token.strip(),
                expires_at=expires_at,
                secrets=secrets,
            )
    except (NotFound, ValueError, SecretKeyMissing) as exc:
        raise fail(str(exc)) from exc
    console.print(f"site {site}: {platform} connected as {account_ref}")


@social_app.command("plan")
def social_plan(
    site: int = typer.Option(...),
    page: str | None = typer.Option(None, help="Only this page (its slug)."),
    platform: list[str] = typer.Option([], help="Networks (default: the site's choice)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Write and schedule a post per published page and network; a page version is posted once."""
    settings = get_settings()
    try:
        with open_services(settings) as runtime:
            with runtime.database.connection() as conn:
                account = local_account(conn)
                if not chosen_platforms(conn, site_id=site, platforms=platform):
                    raise ValueError(f"site {site} chose no network: pass --platform or run `igny8 social choose`")
            with _bars() as bars:
                plan = plan_social_posts(
                    runtime.database,
                    SocialAgent(runtime.gateway),
                    account_id=account,
                    site_id=site,
                    slug=page,
                    platforms=platform or None,
                    progress=_progress_into(bars),
                )
    except (NotFound, LookupError, ValueError, ModelOutputError) as exc:
        raise fail(str(exc)) from exc
    if as_json:
        _json({"pages": plan.pages, "scheduled": plan.added, "already_planned": plan.existing, "refused": plan.refused})
        return
    if not plan.pages:
        console.print(f"no published page on site {site} yet: publish first (`igny8 publish run --site {site}`)")
        return
    console.print(f"[green]✓[/] {plan.added} posts scheduled, {plan.existing} already planned")
    for line in plan.refused:
        console.print(f"[yellow]refused[/] {line}")


@social_app.command("publish")
def social_publish(
    site: int = typer.Option(...),
    page: str | None = typer.Option(None, help="Only this page (its slug)."),
    now: bool = typer.Option(False, "--now", help="Send every scheduled post now, not at its best time."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Send the posts that are due; each post goes out once, failures are retried with backoff."""
    settings = get_settings()
    try:
        secrets = secret_box_for(settings)
        with open_services(settings) as runtime:
            with runtime.database.connection() as conn:
                account = local_account(conn)
            with _bars() as bars:
                result = send_due_posts(
                    runtime.database,
                    settings,
                    account_id=account,
                    site_id=site,
                    slug=page,
                    ignore_schedule=now,
                    secrets=secrets,
                    progress=_progress_into(bars),
                )
    except (NotFound, SecretKeyMissing) as exc:
        raise fail(str(exc)) from exc
    if as_json:
        _json(
            {
                "published": result.published,
                "retrying": result.retrying,
                "failed": result.failed,
                "needs_reconnect": result.needs_reconnect,
            }
        )
    else:
        console.print(f"[green]✓[/] {result.published} sent, {result.retrying} to retry later")
        for line in result.failed:
            console.print(f"[red]failed[/] {line}")
        for line in result.needs_reconnect:
            console.print(f"[yellow]reconnect[/] {line}")
    if result.failed or result.needs_reconnect:
        raise typer.Exit(1)


@social_app.command("status")
def social_status(
    site: int = typer.Option(...),
    page: str | None = typer.Option(None, help="Only this page (its slug)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Every post of the site: network, status, when, the network's id and the last error."""
    settings = get_settings()
    try:
        with open_services(settings) as runtime, runtime.database.connection() as conn:
            get_site(conn, account_id=local_account(conn), site_id=site)
            posts = social_repo.posts_of_site(conn, site_id=site, slug=page)
    except NotFound as exc:
        raise fail(str(exc)) from exc
    if as_json:
        _json(posts)
        return
    table = Table("page", "network", "status", "scheduled", "remote id", "tries", "last error")
    for post in posts:
        table.add_row(
            post["slug"],
            post["platform"],
            post["status"],
            f"{post['scheduled_at']:%Y-%m-%d %H:%M}",
            post["remote_id"] or "",
            str(post["attempts"]),
            (post["last_error"] or "")[:80],
        )
    console.print(table)
