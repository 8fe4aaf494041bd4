"""`igny8 site crawl|analyze|propose|approve`: an existing site read, analysed against the blueprint, and a
blueprint proposal that adopts its URLs (registered on the `site` group of cli.service)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from igny8.cli.app import console, err_console, fail
from igny8.cli.service import site_app
from igny8.config import get_settings
from igny8.memory.tenancy import NotFound, local_account
from igny8.services import Services, open_services
from igny8.stages.plugin_redirects import RedirectOutcome
from igny8.tools.crawl.crawler import CrawlProgress, CrawlRefused
from igny8.workflows.site_analysis import (
    Decision,
    ProposalDecided,
    analyze_site,
    decide_proposal,
    propose_site_blueprint,
)
from igny8.workflows.site_crawl import CrawlSummary, crawl_existing_site


def _with_runtime(work: Callable[[Services, int], Any]) -> Any:
    try:
        with open_services(get_settings()) as runtime:
            with runtime.database.connection() as conn:
                account = local_account(conn)
            return work(runtime, account)
    except (NotFound, CrawlRefused) as exc:
        raise fail(str(exc)) from exc


def _print_crawl(summary: CrawlSummary) -> None:
    console.print(
        f"crawl {summary.crawl_id} of {summary.start_url}: {summary.pages} pages ({summary.unchanged} unchanged), "
        f"{summary.requests} requests; robots: {summary.robots}; sitemaps read: {len(summary.sitemaps)}"
    )
    taxonomy = summary.taxonomy
    if taxonomy["source"] == "wordpress-rest":
        counts = ", ".join(f"{key} {n}" for key, n in taxonomy["taxonomies"].items())
        console.print(f"taxonomy from WordPress's REST API: {counts} terms; {taxonomy['items']} posts and pages")
    else:
        console.print(f"taxonomy from the theme's CSS classes ({taxonomy['why']})")
    if summary.disallowed:
        console.print(f"robots.txt disallows {len(summary.disallowed)}: " + ", ".join(summary.disallowed[:5]))
    for item in summary.refused:
        console.print(f"[bold red]refused[/] {item['url']}: {item['reason']}")
    for item in summary.failed[:10]:
        console.print(f"[yellow]skipped[/] {item['url']}: {item['reason']}")


@site_app.command("crawl")
def site_crawl(
    site: int = typer.Option(..., help="Site id."),
    url: str | None = typer.Option(None, help="Where to start (default: the site's URL)."),
    max_pages: int | None = typer.Option(None, help="Page cap (default IGNY8_CRAWL_MAX_PAGES)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Crawl the site politely: robots.txt, sitemaps, same-site links; private addresses refused."""

    def work(runtime: Services, account: int) -> CrawlSummary:
        with Progress(
            TextColumn("crawl"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=err_console,
            disable=as_json,
        ) as bars:
            task = bars.add_task("", total=None)

            def progress(step: CrawlProgress) -> None:
                bars.update(task, completed=step.done, total=max(step.planned, 1), description=step.url[-60:])

            return crawl_existing_site(
                runtime, account_id=account, site_id=site, url=url, max_pages=max_pages, on_progress=progress
            )

    summary = _with_runtime(work)
    if as_json:
        print(json.dumps(summary.as_dict(), indent=2))
    else:
        _print_crawl(summary)


def _print_analysis(report: dict[str, Any]) -> None:
    coverage = report["coverage"]
    clusters = report["clusters"]
    console.print(
        f"analysis {report['analysis_id']} against blueprint v{report['blueprint_version']}: {report['pages']} pages; "
        f"grid coverage {coverage['values_covered']}/{coverage['values_total']} values ({coverage['percent']}%); "
        f"{len(clusters['served'])} clusters served, {len(clusters['missing_clusters'])} missing"
    )
    for attribute, values in coverage["missing_values"].items():
        console.print(f"  missing {attribute}: {', '.join(values)}")
    for item in clusters["cannibalisation"]:
        console.print(f"  [yellow]cannibalisation[/] {item['cluster']} ({item['kind']}): {', '.join(item['pages'])}")
    for name in ("thin_pages", "orphans", "weakly_linked", "no_json_ld", "noindex"):
        if report[name]:
            shown = [i["url"] if isinstance(i, dict) else i for i in report[name]]
            console.print(f"  {name.replace('_', ' ')} ({len(shown)}): {', '.join(shown[:6])}")
    for attribute in report.get("recovered_attributes", []):
        console.print(f"  recovered attribute {attribute['name']}: {', '.join(attribute['values'])}")


@site_app.command("analyze")
def site_analyze(
    site: int = typer.Option(..., help="Site id (crawl it first)."),
    no_model: bool = typer.Option(False, "--no-model", help="Embeddings only: no architect calls."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Map the crawled pages onto the blueprint's grid and report gaps, thin pages, cannibals and orphans."""
    report = _with_runtime(
        lambda runtime, account: analyze_site(runtime, account_id=account, site_id=site, use_model=not no_model)
    )
    if as_json:
        print(json.dumps(report, indent=2, default=str))
    else:
        _print_analysis(report)


def _print_proposal(proposal: dict[str, Any]) -> None:
    console.print(
        f"proposal {proposal['proposal_id']} (from blueprint v{proposal['from_blueprint_version']}): "
        f"{len(proposal['adoptions'])} existing URLs adopted, {len(proposal['redirects'])} redirects, "
        f"{len(proposal['new_pages'])} new pages, {len(proposal['tagging'])} tags to assign"
    )
    for item in proposal["adoptions"]:
        console.print(f"  keep {item['url']} as {item['kind']} {item['plan_slug']} ({item['reason']})")
    for item in proposal["redirects"]:
        console.print(f"  redirect {item['from']} → {item['to']} ({item['why']})")


def _print_decision(decision: Decision) -> None:
    text = f"proposal {decision.proposal_id}: {decision.status}"
    if decision.blueprint_version:
        text += f"; draft blueprint v{decision.blueprint_version} saved (activate it with `igny8 blueprint activate`)"
    elif decision.status != "rejected":
        text += " earlier; its redirects checked again"
    if decision.tags_applied:
        text += f"; {decision.tags_applied} tags assigned in WordPress"
    if decision.tagging_skipped:
        text += f"; {decision.tagging_skipped}"
    console.print(text)
    if decision.redirects is not None:
        _print_redirects(decision.redirects)


def _print_redirects(outcome: RedirectOutcome) -> None:
    for label, items in (("created", outcome.created), ("already in WordPress", outcome.present)):
        if items:
            console.print(
                f"redirects {label} ({len(items)}): " + ", ".join(f"{r['source']} → {r['target']}" for r in items)
            )
    for item in outcome.failed:
        console.print(f"[bold red]redirect not created[/] {item['source']} → {item['target']}: {item['error']}")
    if outcome.waiting:
        console.print(f"[yellow]{len(outcome.waiting)} redirects wait:[/] {outcome.outage}")
    for item in outcome.manual:
        console.print(f"[yellow]create this redirect yourself[/] (301) {item['source']} → {item['target']}")
    if outcome.advice:
        console.print(outcome.advice)


@site_app.command("propose")
def site_propose(
    site: int = typer.Option(..., help="Site id (analyse it first)."),
    yes: bool = typer.Option(False, "--yes", help="Approve without the review pause."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Propose a blueprint version that adopts the existing URLs; pauses for review (approve or leave pending)."""
    proposal = _with_runtime(lambda runtime, account: propose_site_blueprint(runtime, account_id=account, site_id=site))
    if as_json:
        print(json.dumps(proposal, indent=2))
    else:
        _print_proposal(proposal)
    approve = yes or (not as_json and typer.confirm("Approve this proposal?", default=False, err=True))
    if approve:
        _decide(site, proposal["proposal_id"], approve=True)
    elif not as_json:
        console.print(
            f"left pending: `igny8 site approve --site {site} --proposal {proposal['proposal_id']}` approves it"
        )


def _decide(site: int, proposal: int, *, approve: bool) -> None:
    try:
        decision = _with_runtime(
            lambda runtime, account: decide_proposal(
                runtime, account_id=account, site_id=site, proposal_id=proposal, approve=approve
            )
        )
    except ProposalDecided as exc:
        raise fail(str(exc)) from exc
    _print_decision(decision)


@site_app.command("approve")
def site_approve(site: int = typer.Option(...), proposal: int = typer.Option(..., help="Proposal id.")) -> None:
    """Approve a proposal: the adopting blueprint saved as a draft; tags and redirects applied in WordPress
    (approving again sends the redirects WordPress still lacks)."""
    _decide(site, proposal, approve=True)


@site_app.command("reject")
def site_reject(site: int = typer.Option(...), proposal: int = typer.Option(..., help="Proposal id.")) -> None:
    """Reject a proposal: nothing is saved and nothing reaches WordPress."""
    _decide(site, proposal, approve=False)
