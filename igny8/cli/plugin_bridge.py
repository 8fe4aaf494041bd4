"""`igny8 plugin connect|push-blueprint|sync`: the backend's side of the IGNY8 Bridge WordPress plugin."""

from __future__ import annotations

import json
from typing import Any

import typer

from igny8.cli.app import app, console, err_console, fail
from igny8.config import get_settings
from igny8.memory.secret_box import SecretKeyMissing, secret_box_for
from igny8.memory.tenancy import NotFound, local_account
from igny8.services import open_services
from igny8.stages.plugin_bridge import plugin_client_for_site, push_blueprint, request_sync, save_plugin_bridge
from igny8.tools.integrations.wordpress_client import WordPressError
from igny8.workflows.site_setup import check_url

plugin_app = typer.Typer(help="Talk to the IGNY8 Bridge plugin on the site's WordPress.", no_args_is_help=True)
app.add_typer(plugin_app, name="plugin")

PLUGIN_ERRORS = (NotFound, LookupError, ValueError, WordPressError, SecretKeyMissing)


def _print(data: dict[str, Any], as_json: bool, line: str) -> None:
    if as_json:
        print(json.dumps(data, indent=2, default=str))
    else:
        console.print(line)


@plugin_app.command("connect")
def plugin_connect(
    site: int = typer.Option(...),
    url: str = typer.Option(..., help="The WordPress site, e.g. https://example.com"),
    secret: str = typer.Option(
        ..., prompt=True, hide_input=True, envvar="IGNY8_PLUGIN_SECRET", help="The secret in Settings → IGNY8."
    ),
) -> None:
    """Save where the site's plugin answers and its secret (encrypted), and check the plugin accepts it."""
    try:
        base = check_url(url)
        assert base is not None
        settings = get_settings()
        secrets = secret_box_for(settings)
        with open_services(settings) as runtime, runtime.database.connection() as conn:
            account = local_account(conn)
            save_plugin_bridge(conn, account_id=account, site_id=site, site_url=base, secret=secret, secrets=secrets)
            with plugin_client_for_site(conn, account_id=account, site_id=site, secrets=secrets) as client:
                health = client.health()
    except PLUGIN_ERRORS as exc:
        raise fail(str(exc)) from exc
    console.print(f"site {site}: IGNY8 Bridge {health.get('plugin_version', '?')} answers at {base}")


@plugin_app.command("push-blueprint")
def plugin_push_blueprint(site: int = typer.Option(...), as_json: bool = typer.Option(False, "--json")) -> None:
    """Send the active blueprint to the plugin: it registers the taxonomies and creates their terms."""
    try:
        settings = get_settings()
        with open_services(settings) as runtime, runtime.database.connection() as conn:
            err_console.print("pushing the blueprint…")
            summary = push_blueprint(
                conn, account_id=local_account(conn), site_id=site, secrets=secret_box_for(settings)
            )
    except PLUGIN_ERRORS as exc:
        raise fail(str(exc)) from exc
    line = (
        f"blueprint v{summary['version']}: {len(summary['taxonomies'])} taxonomies, "
        f"{summary['terms_created']} new terms, {summary['pages']} planned pages"
    )
    _print(summary, as_json, line)


@plugin_app.command("sync")
def plugin_sync(site: int = typer.Option(...), as_json: bool = typer.Option(False, "--json")) -> None:
    """Ask the plugin to pull the content queue now and confirm what it wrote."""
    try:
        settings = get_settings()
        with open_services(settings) as runtime, runtime.database.connection() as conn:
            err_console.print("the plugin is syncing…")
            report = request_sync(conn, account_id=local_account(conn), site_id=site, secrets=secret_box_for(settings))
    except PLUGIN_ERRORS as exc:
        raise fail(str(exc)) from exc
    line = f"{report['created']} created, {report['updated']} updated, {report['failed']} failed on WordPress"
    _print(report, as_json, line)
