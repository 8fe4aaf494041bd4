"""`igny8 gsc connect|sync|inspect|report|propose|indexnow`: Google Search Console and IndexNow for a site."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from igny8.cli.app import app, console, err_console, fail
from igny8.config import get_settings
from igny8.memory.blueprints import get_blueprint
from igny8.memory.secret_box import SecretKeyMissing, SecretUnreadable, secret_box_for
from igny8.memory.tenancy import NotFound, get_site, local_account
from igny8.services import Services, open_services
from igny8.tools.search_console.credentials import CredentialFileError
from igny8.tools.search_console.errors import SearchConsoleError
from igny8.tools.search_console.indexnow import IndexNowError
from igny8.tools.search_console.loopback import AuthorisationTimeout
from igny8.tools.search_console.quota import MinuteLimiter
from igny8.workflows.search_console_actions import analyse_search_data
from igny8.workflows.search_console_connect import (
    NotConnected,
    connect_installed_app,
    connect_service_account,
    open_search_console,
)
from igny8.workflows.search_console_indexnow import IndexNowNotConfigured, submit_changed_pages
from igny8.workflows.search_console_inspect import refresh_queue, run_inspection_share
from igny8.workflows.search_console_proposals import propose_missing_pages
from igny8.workflows.search_console_report import search_console_report
from igny8.workflows.search_console_sync import sync_search_analytics

gsc_app = typer.Typer(
    help="Google Search Console: connect, sync analytics, inspect URLs, report.", no_args_is_help=True
)
app.add_typer(gsc_app, name="gsc")

_EXPECTED = (
    NotFound,
    NotConnected,
    ValueError,
    CredentialFileError,
    SearchConsoleError,
    AuthorisationTimeout,
    SecretKeyMissing,
    SecretUnreadable,
    IndexNowNotConfigured,
    IndexNowError,
)


@contextmanager
def _site(site: int) -> Iterator[tuple[Services, int]]:
    """The services and the local account, with every expected failure told as a message."""
    try:
        with open_services(get_settings()) as runtime:
            with runtime.database.connection() as conn:
                account = local_account(conn)
                get_site(conn, account_id=account, site_id=site)
            yield runtime, account
    except _EXPECTED as exc:
        raise fail(str(exc)) from exc


@contextmanager
def _bar(label: str) -> Iterator[Callable[[int, int], None]]:
    with Progress(
        TextColumn(f"{label:>9}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err_console
    ) as bars:
        task = bars.add_task(label, total=None)
        yield lambda done, total: bars.update(task, completed=done, total=max(total, 1))


def _emit(data: dict[str, Any], as_json: bool, text: str) -> None:
    print(json.dumps(data, indent=2, default=str)) if as_json else console.print(text)


@gsc_app.command("connect")
def gsc_connect(
    site: int = typer.Option(...),
    prop: str = typer.Option(..., "--property", help="sc-domain:example.com, or a URL prefix https://example.com/"),
    client_secrets: Path | None = typer.Option(None, help="An OAuth client of type 'Desktop app' (its JSON file)."),
    service_account: Path | None = typer.Option(
        None, help="A service account key (JSON) added as a user of the property."
    ),
    wait_s: float = typer.Option(300.0, "--wait", min=10, max=3600, help="Seconds to wait for the consent screen."),
) -> None:
    """Connect the site to a Search Console property (read-only access; the credential is stored encrypted)."""
    if (client_secrets is None) == (service_account is None):
        raise fail("give exactly one of --client-secrets FILE (you consent in a browser) or --service-account FILE")
    with _site(site) as (runtime, account):
        settings = runtime.settings
        secrets = secret_box_for(settings)
        if service_account is not None:
            email = connect_service_account(
                runtime.database,
                settings,
                secrets,
                account_id=account,
                site_id=site,
                prop=prop,
                key_file=service_account,
            )
            console.print(f"site {site} reads {prop} as {email}")
            return
        assert client_secrets is not None

        def show(url: str) -> None:
            err_console.print("Open this URL in a browser on this machine and allow read access to Search Console:")
            err_console.print(url, soft_wrap=True, markup=False, highlight=False)

        connect_installed_app(
            runtime.database,
            settings,
            secrets,
            account_id=account,
            site_id=site,
            prop=prop,
            client_file=client_secrets,
            show_url=show,
            timeout_s=wait_s,
        )
        console.print(f"site {site} reads {prop}; the refresh token is stored encrypted")


@gsc_app.command("sync")
def gsc_sync(
    site: int = typer.Option(...),
    days: int | None = typer.Option(
        None, min=1, max=480, help="Days back from yesterday (default IGNY8_GSC_SYNC_DAYS)."
    ),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Fetch search analytics (day × page × query) for the days not stored yet and the last few again."""
    with _site(site) as (runtime, _), _bar("sync") as progress:
        settings = runtime.settings
        with open_search_console(runtime.database, settings, secret_box_for(settings), site_id=site) as session:
            result = sync_search_analytics(
                runtime.database,
                session,
                days=days or settings.gsc_sync_days,
                settle_days=settings.gsc_settle_days,
                row_limit=settings.gsc_row_limit,
                progress=progress,
            )
    summary = {
        "site_id": site,
        "from": result.start.isoformat(),
        "to": result.end.isoformat(),
        "days_fetched": len(result.days_fetched),
        "rows": result.rows,
    }
    _emit(summary, as_json, f"{result.rows} rows for {len(result.days_fetched)} days ({result.start} – {result.end})")


@gsc_app.command("inspect")
def gsc_inspect(site: int = typer.Option(...), as_json: bool = typer.Option(False, "--json")) -> None:
    """Run today's share of the URL Inspection queue (new and changed pages first, within the daily quota)."""
    with _site(site) as (runtime, account):
        settings = runtime.settings
        with runtime.database.connection() as conn:
            site_url = get_site(conn, account_id=account, site_id=site).url
            try:
                blueprint = get_blueprint(conn, account_id=account, site_id=site)
            except NotFound:
                blueprint = None
        if not site_url:
            raise fail(f"site {site} has no URL: set it (igny8 site create --url, or the API) to inspect its pages")
        queued = refresh_queue(runtime.database, site_id=site, site_url=site_url, blueprint=blueprint)
        with open_search_console(runtime.database, settings, secret_box_for(settings), site_id=site) as session:
            with _bar("inspect") as progress:
                run = run_inspection_share(
                    runtime.database,
                    session,
                    daily_limit=settings.gsc_inspection_daily_limit,
                    limiter=MinuteLimiter(settings.gsc_inspection_per_minute),
                    progress=progress,
                )
    summary = {
        "site_id": site,
        "pages": queued,
        "inspected": run.inspected,
        "indexed": run.indexed,
        "failed": run.failed,
        "quota_used": run.quota_used,
        "quota_limit": run.quota_limit,
        "remaining_due": run.remaining_due,
        "stopped": run.stopped,
    }
    _emit(
        summary,
        as_json,
        f"{run.inspected} inspected ({run.indexed} indexed), quota {run.quota_used}/"
        f"{run.quota_limit} today, {run.remaining_due} still due" + (f"; {run.stopped}" if run.stopped else ""),
    )


def _print_report(report: dict[str, Any]) -> None:
    indexing, quota, perf = report["indexing"], report["inspection_quota"], report["performance"]
    share = indexing["indexed_share"]
    console.print(f"[bold]site {report['site_id']}[/] {report['property'] or ''} ({report['connection']})")
    console.print(
        f"indexed: {indexing['indexed']}/{indexing['pages']}"
        + (f" ({share:.0%})" if share is not None else "")
        + f", inspected {indexing['inspected']}"
    )
    if perf:
        console.print(
            f"clicks: {perf['clicks']['previous']} → {perf['clicks']['recent']}, impressions: "
            f"{perf['impressions']['previous']} → {perf['impressions']['recent']} (28 days to {perf['latest_day']})"
        )
    console.print(f"inspection quota today: {quota['used']}/{quota['limit']}, {quota['queued_due']} due")
    for title, key, columns in (
        ("decaying pages", "decaying_pages", ("slug", "clicks", "drop")),
        ("cannibalised queries", "cannibalised_queries", ("query", "action", "proposal")),
        ("ranking queries without a page", "missing_pages", ("query", "impressions", "position")),
        ("low CTR in a good position", "low_ctr_pages", ("slug", "ctr", "position")),
    ):
        if report[key]:
            table = Table(*columns, title=title)
            for item in report[key]:
                table.add_row(*(str(item.get(c, "")) for c in columns))
            console.print(table)
    proposals = report["page_proposals"]
    if proposals["pages"]:
        console.print(
            f"pages proposed in draft version(s) {', '.join(map(str, proposals['draft_versions']))}: "
            + ", ".join(f"{p['slug']} ({p['cluster']})" for p in proposals["pages"])
        )


def _print_proposals(site: int, result: dict[str, Any]) -> None:
    if result["pages"]:
        table = Table("query", "cluster", "new page", title="supporting pages proposed")
        for page in result["pages"]:
            table.add_row(page["query"], page["cluster"], page["slug"])
        console.print(table)
        done = "saved as" if result["created"] else "already proposed in"
        console.print(
            f"{done} draft version {result['draft_version']} (from version {result['from_version']}); review it with "
            f"`igny8 blueprint show --site {site} --version {result['draft_version']}`, then "
            f"`igny8 blueprint activate --site {site} --version {result['draft_version']}`"
        )
    else:
        console.print("no ranking query without a page to propose")
    for item in result["not_filed"]:
        console.print(f"not proposed: '{item['query']}' ({item['reason']})", markup=False)


@gsc_app.command("propose")
def gsc_propose(site: int = typer.Option(...), as_json: bool = typer.Option(False, "--json")) -> None:
    """Propose new supporting pages for ranking queries without a page, in one draft blueprint version."""
    with _site(site) as (runtime, account):
        with runtime.database.connection() as conn:
            blueprint = get_blueprint(conn, account_id=account, site_id=site)
        with err_console.status("filing ranking queries under the clusters"):
            analysis = analyse_search_data(runtime.database, site_id=site, blueprint=blueprint)
            if analysis.latest_day is None:
                raise fail(f"site {site} has no search analytics stored: run `igny8 gsc sync --site {site}` first")
            result = propose_missing_pages(runtime, account_id=account, site_id=site)
    if as_json:
        print(json.dumps({"site_id": site, **result}, indent=2, default=str))
    else:
        _print_proposals(site, result)


@gsc_app.command("report")
def gsc_report(site: int = typer.Option(...), as_json: bool = typer.Option(False, "--json")) -> None:
    """Indexed share, clicks and impressions trend, decaying pages, cannibalised queries, quota used today."""
    with _site(site) as (runtime, account):
        report = search_console_report(
            runtime.database, account_id=account, site_id=site, daily_limit=runtime.settings.gsc_inspection_daily_limit
        )
    if as_json:
        print(json.dumps(report, indent=2, default=str))
    else:
        _print_report(report)


@gsc_app.command("indexnow")
def gsc_indexnow(site: int = typer.Option(...), as_json: bool = typer.Option(False, "--json")) -> None:
    """Submit new and changed pages to IndexNow (Bing, Yandex, Seznam, Naver…) in batches."""
    with _site(site) as (runtime, account):
        result = submit_changed_pages(runtime.database, runtime.settings, account_id=account, site_id=site)
    _emit(
        result,
        as_json,
        f"{result['submitted']} URLs submitted, {result['unchanged']} unchanged; key file: {result['key_location']}",
    )
