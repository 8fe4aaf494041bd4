"""`igny8 serve`, `igny8 account create`, `igny8 site create`."""

from __future__ import annotations

import json

import typer

from igny8.catalog.loader import CatalogError
from igny8.cli.app import app, console, fail
from igny8.config import get_settings
from igny8.memory.api_keys import issue_key
from igny8.memory.tenancy import NotFound, account_exists, create_account, local_account
from igny8.services import open_services
from igny8.workflows.site_setup import SiteLimitReached, create_site_with_key

account_app = typer.Typer(help="Accounts (tenants).", no_args_is_help=True)
site_app = typer.Typer(help="Sites and their API keys.", no_args_is_help=True)
app.add_typer(account_app, name="account")
app.add_typer(site_app, name="site")


@app.command()
def serve(
    host: str | None = typer.Option(None, help="Default IGNY8_API_HOST (127.0.0.1)."),
    port: int | None = typer.Option(None, help="Default IGNY8_API_PORT (8088)."),
    workers: int | None = typer.Option(None, min=1, max=64, help="Server processes; default IGNY8_API_WORKERS (1)."),
) -> None:
    """Run the HTTP API (OpenAPI at /docs and /openapi.json)."""
    import uvicorn

    from igny8.api.app import create_app
    from igny8.api.process import settle_heap
    from igny8.workflows import shutdown

    # uvicorn finishes the requests in flight on SIGTERM/SIGINT, then re-raises the signal: cooperative
    # handling turns that into a normal return (exit 0, the embedded database released).
    settings = get_settings()
    shutdown.install(cooperative=True)
    options = {
        "host": host or settings.api_host,
        "port": port or settings.api_port,
        "log_level": "info",
        "access_log": settings.api_access_log,
        "timeout_graceful_shutdown": int(settings.stop_grace_s),
    }
    with open_services(settings) as runtime:  # migrations applied (and the embedded server held) once, here
        if (workers or settings.api_workers) > 1:  # each process opens its own pools, key cache and limiter
            uvicorn.run(
                "igny8.api.process:service_app",
                factory=True,
                workers=workers or settings.api_workers,
                timeout_worker_healthcheck=120,  # a process opens its services before it answers (seconds)
                **options,
            )
        else:
            application = create_app(runtime, max_body_bytes=settings.api_max_body_bytes)
            settle_heap()
            uvicorn.run(application, **options)


@account_app.command("create")
def account_create(name: str = typer.Option(...), as_json: bool = typer.Option(False, "--json")) -> None:
    """Create an account and print its account key (shown once)."""
    if not 1 <= len(name.strip()) <= 200:
        raise fail("the account name must be 1–200 characters")
    with open_services(get_settings()) as runtime, runtime.database.connection() as conn:
        account = create_account(conn, name=name.strip())
        key = issue_key(conn, account_id=account, site_id=None, label="account")
    if as_json:
        print(json.dumps({"id": account, "name": name, "api_key": key}))
    else:
        console.print(f"account {account}: key {key}\nStore the key now: it is shown only once.")


@site_app.command("create")
def site_create(
    name: str = typer.Option(...),
    url: str | None = typer.Option(None),
    industry: str = typer.Option(...),
    sector: list[str] = typer.Option(...),
    site_type: str | None = typer.Option(None, help="Default: the first sector's typical type."),
    account: int | None = typer.Option(None, help="Default: the local account."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Create a site and print its id and API key (shown once, stored hashed)."""
    try:
        with open_services(get_settings()) as runtime, runtime.database.connection() as conn:
            account_id = account if account is not None else local_account(conn)
            if not account_exists(conn, account_id=account_id):
                raise NotFound(f"account {account_id} not found")
            created = create_site_with_key(
                conn,
                runtime.catalog,
                account_id=account_id,
                name=name,
                url=url,
                industry=industry,
                sectors=sector,
                site_type=site_type,
                # a tenant's plan limits its sites; the operator's own local account has no plan limit
                plan_limit_default=runtime.settings.default_plan if account is not None else None,
            )
    except (CatalogError, NotFound, SiteLimitReached) as exc:
        raise fail(str(exc)) from exc
    site = created.site
    if as_json:
        print(
            json.dumps(
                {
                    "id": site.id,
                    "name": site.name,
                    "url": site.url,
                    "site_type": site.site_type,
                    "industry": site.industry,
                    "sectors": list(site.sectors),
                    "api_key": created.api_key,
                }
            )
        )
    else:
        console.print(
            f"site {site.id} ({site.site_type}): key {created.api_key}\n"
            "Store the key now: it is shown only once. The plugin sends it as X-IGNY8-API-KEY."
        )
