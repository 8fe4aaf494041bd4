"""`igny8 credits balance|grant|history|plans`."""

from __future__ import annotations

import json

import typer
from rich.table import Table

from igny8.cli.app import app, console, fail
from igny8.config import get_settings
from igny8.memory.tenancy import NotFound, local_account
from igny8.services import open_services
from igny8.workflows.credits import CreditRequestError, account_balance, credit_history, grant, plans_table

credits_app = typer.Typer(help="Credit balances, grants and plans.", no_args_is_help=True)
app.add_typer(credits_app, name="credits")

ACCOUNT_HELP = "Account id (default: the local account)."


def _account(runtime, account: int | None) -> int:  # type: ignore[no-untyped-def]
    if account is not None:
        return account
    with runtime.database.connection() as conn:
        return local_account(conn)


@credits_app.command("balance")
def credits_balance(
    account: int | None = typer.Option(None, help=ACCOUNT_HELP), as_json: bool = typer.Option(False, "--json")
) -> None:
    """The account's plan, balance, credits held by work in progress, and what is available."""
    settings = get_settings()
    try:
        with open_services(settings) as runtime:
            view = account_balance(runtime.database, settings, account_id=_account(runtime, account))
    except NotFound as exc:
        raise fail(str(exc)) from exc
    if as_json:
        print(json.dumps(view.as_dict(), indent=2))
        return
    console.print(
        f"account {view.account_id}: [bold]{view.plan}[/] plan (${view.plan_price_usd_per_site}/site/month, "
        f"{view.monthly_credits_per_site:,} credits/site/month, up to {view.site_limit} sites)"
    )
    console.print(
        f"balance {view.balance:,} credits (${view.balance_usd:,.2f}); held {view.held:,}; "
        f"available [bold]{view.available:,}[/]"
    )


@credits_app.command("grant")
def credits_grant(
    credits: int | None = typer.Option(None, help="Credits to add."),
    plan: str | None = typer.Option(None, help="Move the account to this plan: lite or pro."),
    account: int | None = typer.Option(None, help=ACCOUNT_HELP),
    reason: str = typer.Option("manual grant", help="Shown in the history."),
    key: str | None = typer.Option(None, help="Idempotency key: the same key never grants twice."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Add credits to an account, or change its plan."""
    settings = get_settings()
    try:
        with open_services(settings) as runtime:
            account_id = _account(runtime, account)
            added = grant(
                runtime.database,
                account_id=account_id,
                credits=credits,
                plan=plan,
                reason=reason,
                default_plan=settings.default_plan,
                key=key,
            )
            view = account_balance(runtime.database, settings, account_id=account_id)
    except (NotFound, CreditRequestError) as exc:
        raise fail(str(exc)) from exc
    if as_json:
        print(json.dumps({"granted": added, "balance": view.as_dict()}, indent=2))
        return
    if credits is not None:
        console.print(f"granted {credits:,} credits" if added else f"key {key!r} was already granted: nothing added")
    console.print(f"account {account_id}: {view.plan} plan, available {view.available:,} credits")


@credits_app.command("history")
def credits_history(
    account: int | None = typer.Option(None, help=ACCOUNT_HELP),
    limit: int = typer.Option(50, help="Newest entries shown."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Grants and charges, newest first."""
    settings = get_settings()
    try:
        with open_services(settings) as runtime:
            rows = credit_history(
                runtime.database, account_id=_account(runtime, account), default_plan=settings.default_plan, limit=limit
            )
    except (NotFound, CreditRequestError) as exc:
        raise fail(str(exc)) from exc
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table("when", "kind", "credits", "what", "site")
    for row in rows:
        site = str(row["site_id"] or "")
        table.add_row(row["created_at"][:19], row["kind"], f"{row['credits']:+,}", row["what"], site)
    console.print(table)


@credits_app.command("plans")
def credits_plans(as_json: bool = typer.Option(False, "--json")) -> None:
    """The plans: price per site per month, monthly credits per site, site limit."""
    plans = plans_table()
    if as_json:
        print(json.dumps(plans, indent=2))
        return
    table = Table("plan", "$ / site / month", "credits / site / month", "sites")
    for plan in plans:
        monthly = f"{plan['monthly_credits_per_site']:,}"
        table.add_row(plan["name"], str(plan["price_usd_per_site"]), monthly, str(plan["site_limit"]))
    console.print(table)
