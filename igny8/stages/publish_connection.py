"""The site's WordPress connection for publishing: storing it (the application password sealed) and a client
built from it. Pointing a site at another WordPress forgets what was published to the old one."""

from __future__ import annotations

import psycopg

from igny8.memory import publish_records, wordpress_connections
from igny8.memory.secret_box import SecretBox, SecretUnreadable, default_secret_box
from igny8.memory.tenancy import get_site
from igny8.tools.integrations.wordpress_client import WordPressAuthError, WordPressClient

MAX_APPLICATION_PASSWORD = 200  # plaintext; the sealed token stored is longer (migration 0005)


def save_wordpress_connection(
    conn: psycopg.Connection,
    *,
    account_id: int,
    site_id: int,
    base_url: str,
    username: str,
    application_password: str,
    secrets: SecretBox | None = None,
) -> None:
    """Store the site's WordPress connection, its application password encrypted (``secrets``, by default
    the key from settings). Pointing the site at another WordPress forgets the records of what was published
    to the old one."""
    if not 1 <= len(application_password) <= MAX_APPLICATION_PASSWORD:
        raise ValueError(f"the application password must be 1–{MAX_APPLICATION_PASSWORD} characters")
    sealed = (secrets or default_secret_box()).seal(application_password)
    get_site(conn, account_id=account_id, site_id=site_id)
    base_url = base_url.rstrip("/")
    old_base_url = wordpress_connections.connection_base_url(conn, site_id=site_id)
    if old_base_url is not None and old_base_url != base_url:
        publish_records.forget_site_records(conn, site_id=site_id)
    wordpress_connections.upsert_connection(
        conn, site_id=site_id, base_url=base_url, username=username, sealed_password=sealed
    )


def wordpress_client_for_site(
    conn: psycopg.Connection,
    *,
    account_id: int,
    site_id: int,
    timeout_s: float = 30.0,
    secrets: SecretBox | None = None,
) -> WordPressClient:
    """A client with the site's stored credentials. A plaintext row (saved before encryption) or one sealed
    under the previous key is sealed again under the current key here. A password that no configured key
    decrypts raises WordPressAuthError: the site must be connected again."""
    get_site(conn, account_id=account_id, site_id=site_id)
    row = wordpress_connections.get_connection(conn, site_id=site_id)
    if row is None:
        raise LookupError(f"site {site_id} has no WordPress connection; save one first")
    box = secrets or default_secret_box()
    stored = row.application_password_secret
    try:
        password = box.open(stored, what=f"the WordPress application password of site {site_id}")
    except SecretUnreadable as exc:
        # Not WordPress's refusal, but the same remedy: nothing works until the connection is saved again.
        raise WordPressAuthError(
            f"{exc}. Reconnect the site: `igny8 publish connect --site {site_id} --url ... --user ...`",
            code="igny8_secret_unreadable",
        ) from None
    resealed = box.reseal(stored)
    if resealed is not None:
        wordpress_connections.replace_password_secret(conn, site_id=site_id, old_secret=stored, new_secret=resealed)
    return WordPressClient(row.base_url, row.username, password, timeout_s=timeout_s)
