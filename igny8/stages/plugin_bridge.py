"""The site's IGNY8 Bridge plugin as the backend sees it: where it answers and its secret (sealed), the
blueprint view the plugin stores, and the pushes: the active blueprint, or "sync now"."""

from __future__ import annotations

from typing import Any

import psycopg

from igny8.domain.blueprint import Blueprint
from igny8.memory import plugin_bridges
from igny8.memory.blueprints import get_blueprint
from igny8.memory.secret_box import SecretBox, SecretUnreadable, default_secret_box
from igny8.memory.tenancy import get_site
from igny8.tools.integrations.plugin_bridge_client import PluginBridgeClient
from igny8.tools.integrations.wordpress_client import WordPressAuthError

MIN_SECRET, MAX_SECRET = 32, 200
VIEW_FIELDS = {
    "id",
    "version",
    "status",
    "site_type",
    "industry",
    "sectors",
    "attributes",
    "taxonomy",
    "pages",
    "health",
}


def save_plugin_bridge(
    conn: psycopg.Connection,
    *,
    account_id: int,
    site_id: int,
    site_url: str,
    secret: str,
    secrets: SecretBox | None = None,
) -> None:
    """Store where the site's plugin answers and its secret, sealed (``secrets``, by default from settings)."""
    if not MIN_SECRET <= len(secret) <= MAX_SECRET or not secret.isalnum():
        raise ValueError(f"the plugin's secret is {MIN_SECRET}–{MAX_SECRET} letters and digits (Settings → IGNY8)")
    get_site(conn, account_id=account_id, site_id=site_id)
    sealed = (secrets or default_secret_box()).seal(secret)
    plugin_bridges.upsert_bridge(conn, site_id=site_id, site_url=site_url.rstrip("/"), secret_sealed=sealed)


def plugin_client_for_site(
    conn: psycopg.Connection, *, account_id: int, site_id: int, secrets: SecretBox | None = None
) -> PluginBridgeClient:
    get_site(conn, account_id=account_id, site_id=site_id)
    bridge = plugin_bridges.get_bridge(conn, site_id=site_id)
    if bridge is None:
        raise LookupError(
            f"site {site_id}'s WordPress plugin is not connected: press 'Test connection' in its Settings → IGNY8, "
            f"or run `igny8 plugin connect --site {site_id} --url ...`"
        )
    try:
        secret = (secrets or default_secret_box()).open(
            bridge.secret_sealed, what=f"the plugin secret of site {site_id}"
        )
    except SecretUnreadable as exc:
        raise WordPressAuthError(f"{exc}. Connect the plugin again", code="igny8_secret_unreadable") from None
    return PluginBridgeClient(bridge.site_url, secret)


def plugin_blueprint_view(blueprint: Blueprint) -> dict[str, Any]:
    """What the plugin stores of a blueprint: its plan, and each cluster's name, type and hub."""
    view = blueprint.model_dump(mode="json", include=VIEW_FIELDS)
    view["clusters"] = [
        {"slug": c.slug, "name": c.name, "type": c.type, "hub": c.hub.model_dump(), "keywords": len(c.keywords)}
        for c in blueprint.clusters
    ]
    return view


def push_blueprint(
    conn: psycopg.Connection, *, account_id: int, site_id: int, secrets: SecretBox | None = None
) -> dict[str, Any]:
    """Send the site's active blueprint to its plugin, which registers the taxonomies and creates the terms."""
    view = plugin_blueprint_view(get_blueprint(conn, account_id=account_id, site_id=site_id))
    with plugin_client_for_site(conn, account_id=account_id, site_id=site_id, secrets=secrets) as client:
        return client.sync_blueprint(view)


def request_sync(
    conn: psycopg.Connection, *, account_id: int, site_id: int, secrets: SecretBox | None = None
) -> dict[str, Any]:
    """Ask the plugin to run its content sync now (it pulls the queue and confirms what it wrote)."""
    with plugin_client_for_site(conn, account_id=account_id, site_id=site_id, secrets=secrets) as client:
        return client.run_sync()
