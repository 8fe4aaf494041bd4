"""`igny8 backlinks plan|run|status`."""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.table import Table

from igny8.cli.app import app, console, err_console, fail
from igny8.config import get_settings
from igny8.graphs.pipeline import NoActiveBlueprint
from igny8.memory.tenancy import NotFound, local_account
from igny8.services import open_services
from igny8.tools.backlinks.marketplace import MarketplaceError
from igny8.workflows.backlink_campaigns import (
    CampaignError,
    campaign_status,
    marketplaces_from,
    plan_campaign,
    run_campaign,
)

backlinks_app = typer.Typer(help="External backlink campaigns for T1–T3 pages.", no_args_is_help=True)
app.add_typer(backlinks_app, name="backlinks")
_KNOWN = (NotFound, LookupError, NoActiveBlueprint, CampaignError, MarketplaceError)


def _show(status: dict[str, Any]) -> None:
    campaign = status["campaign"]
    if campaign is None:
        console.print("no campaign yet: `igny8 backlinks plan --site S --budget USD`")
        return
    console.print(
        f"campaign {campaign['id']}: budget ${campaign['budget_usd']:,.2f}, "
        f"${campaign['monthly_pace_usd']:,.2f} a month, "
        f"${campaign['spent_usd']:,.2f} spent; targets {status['tiers']}"
    )
    targets = Table("page", "tier", "status", "tipped on")
    for target in status["targets"][:15]:
        targets.add_row(target["page"], target["tier"], target["status"], target["tipped_on"] or "")
    console.print(targets)
    if status["orders"]:
        orders = Table("page", "publisher", "anchor", "kind", "$", "status", "problem")
        for order in status["orders"]:
            orders.add_row(
                order["page"], order["publisher"], order["anchor"], order["anchor_kind"], f"{order['price_usd']:.0f}",
                order["status"], order["problem"] or "",
            )  # fmt: skip
        console.print(orders)


@backlinks_app.command("plan")
def backlinks_plan(
    site: int = typer.Option(...),
    budget: float | None = typer.Option(None, help="Total budget in USD (needed for a new campaign)."),
    months: int = typer.Option(3, help="Months the budget is spread over (the monthly pace)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Plan (or re-budget) the site's campaign: T1–T3 targets from the active blueprint, the monthly pace."""
    try:
        with open_services(get_settings()) as runtime:
            with runtime.database.connection() as conn:
                account = local_account(conn)
            status = plan_campaign(runtime.database, account_id=account, site_id=site, budget_usd=budget, months=months)
    except _KNOWN as exc:
        raise fail(str(exc)) from exc
    print(json.dumps(status, indent=2)) if as_json else _show(status)


@backlinks_app.command("run")
def backlinks_run(site: int = typer.Option(...), as_json: bool = typer.Option(False, "--json")) -> None:
    """Order this month's links, follow open orders to 'live', verify them, flag late ones, check tipping points."""
    settings = get_settings()
    try:
        marketplaces = marketplaces_from(settings)
        with open_services(settings) as runtime:
            with runtime.database.connection() as conn:
                account = local_account(conn)
            with err_console.status("ordering and checking links"):
                result = run_campaign(
                    runtime.database, settings, account_id=account, site_id=site, marketplaces=marketplaces
                )
            status = campaign_status(runtime.database, account_id=account, site_id=site)
    except _KNOWN as exc:
        raise fail(str(exc)) from exc
    if as_json:
        print(json.dumps({"ordered": result.ordered, "spent_usd": result.spent_usd, **status}, indent=2))
        return
    console.print(f"[green]✓[/] {result.ordered} links ordered (${result.spent_usd:,.2f}); "
                  f"${result.left_this_month_usd:,.2f} left this month")  # fmt: skip
    _show(status)


@backlinks_app.command("status")
def backlinks_status(site: int = typer.Option(...), as_json: bool = typer.Option(False, "--json")) -> None:
    """The campaign, its targets and every order with its state."""
    try:
        with open_services(get_settings()) as runtime:
            with runtime.database.connection() as conn:
                account = local_account(conn)
            status = campaign_status(runtime.database, account_id=account, site_id=site)
    except _KNOWN as exc:
        raise fail(str(exc)) from exc
    print(json.dumps(status, indent=2)) if as_json else _show(status)
