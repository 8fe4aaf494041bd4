"""`igny8 publish connect|run`: stage 7, publishing to WordPress through its REST API."""

from __future__ import annotations

import json

import typer

from igny8.cli.app import app, console, err_console, fail
from igny8.config import get_settings
from igny8.memory.blueprints import get_blueprint
from igny8.memory.secret_box import SecretKeyMissing, secret_box_for
from igny8.memory.tenancy import NotFound, local_account
from igny8.services import open_services
from igny8.stages.publish import PublishInProgress, publish_site, save_wordpress_connection, wordpress_client_for_site
from igny8.tools.integrations.wordpress_client import WordPressError
from igny8.workflows.site_setup import check_url

publish_app = typer.Typer(help="Publish approved pages to WordPress.", no_args_is_help=True)
app.add_typer(publish_app, name="publish")


@publish_app.command("connect")
def publish_connect(
    site: int = typer.Option(...),
    url: str = typer.Option(..., help="The WordPress site, e.g. https://example.com"),
    user: str = typer.Option(..., help="A WordPress user that may publish."),
    app_password: str = typer.Option(
        ...,
        prompt=True,
        hide_input=True,
        envvar="IGNY8_WP_APP_PASSWORD",
        help="An application password of that user (Users → Profile).",
    ),
) -> None:
    """Save the site's WordPress connection and check it answers."""
    try:
        base = check_url(url)
        assert base is not None
        settings = get_settings()
        secrets = secret_box_for(settings)
        with open_services(settings) as runtime, runtime.database.connection() as conn:
            account = local_account(conn)
            save_wordpress_connection(
                conn,
                account_id=account,
                site_id=site,
                base_url=base,
                username=user,
                application_password=app_password,
                secrets=secrets,
            )
            client = wordpress_client_for_site(conn, account_id=account, site_id=site, secrets=secrets)
        user_info = client.current_user()
    except (NotFound, ValueError, WordPressError, SecretKeyMissing) as exc:
        raise fail(str(exc)) from exc
    console.print(f"site {site} publishes to {base} as {user_info.get('name', user)}")


@publish_app.command("run")
def publish_run(
    site: int = typer.Option(...),
    include_review: bool = typer.Option(False),
    force: bool = typer.Option(False, help="Update every page, changed or not."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Publish the approved pages (taxonomies and terms first); re-running updates and never duplicates."""
    try:
        settings = get_settings()
        secrets = secret_box_for(settings)
        with open_services(settings) as runtime:
            with runtime.database.connection() as conn:
                account = local_account(conn)
                blueprint = get_blueprint(conn, account_id=account, site_id=site)
                client = wordpress_client_for_site(conn, account_id=account, site_id=site, secrets=secrets)
            result = publish_site(
                runtime.database,
                account_id=account,
                site_id=site,
                blueprint=blueprint,
                client=client,
                include_review=include_review,
                force=force,
                progress=lambda stage, done, total: err_console.print(f"{stage} {done}/{total}", end="\r"),
            )
    except (NotFound, LookupError, WordPressError, PublishInProgress, SecretKeyMissing) as exc:
        raise fail(str(exc)) from exc
    summary = {
        "created": result.created,
        "updated": result.updated,
        "skipped": result.skipped,
        "failures": [{"content_id": f.content_id, "slug": f.slug, "reason": f.reason} for f in result.failures],
        "warnings": result.warnings,
        "seconds": round(result.seconds, 1),
    }
    if as_json:
        print(json.dumps(summary, indent=2, default=str))
    else:
        console.print(
            f"{result.created} created, {result.updated} updated, {result.skipped} unchanged, "
            f"{len(result.failures)} failed in {result.seconds:.1f} s"
        )
        for failure in result.failures:
            console.print(f"[red]✗[/] {failure.slug}: {failure.reason}")
        for warning in result.warnings:
            console.print(f"[yellow]![/] {warning}")
    if result.failures:
        raise typer.Exit(1)
