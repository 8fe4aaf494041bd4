"""Stage 8, sending: connected accounts (tokens sealed at rest) and the due posts sent through each network's
client, once each. A failure is retried with backoff and then shown as failed; an expired or revoked token
holds the network's posts (needs_reconnect) until the account is connected again."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import psycopg

from igny8.config import Settings
from igny8.memory import social_repo
from igny8.memory.database import Database
from igny8.memory.secret_box import SecretBox, SecretUnreadable, default_secret_box
from igny8.memory.tenancy import get_site
from igny8.tools.social.base import OutgoingPost, SocialClient
from igny8.tools.social.clients import client_for
from igny8.tools.social.errors import PostRejected, RetryLater, SocialError, TokenExpired
from igny8.tools.social.rules import PLATFORMS, Platform

Progress = Callable[[str, int, int], None]
MAX_TOKEN = 4000


def reconnect_hint(site_id: int, platform: str) -> str:
    return f"reconnect it: `igny8 social connect --site {site_id} --platform {platform} --account ...`"


def connect_social_account(
    conn: psycopg.Connection,
    *,
    account_id: int,
    site_id: int,
    platform: str,
    account_ref: str,
    access_token: str,
    expires_at: datetime | None,
    secrets: SecretBox | None = None,
) -> None:
    """Store a network's account for the site, its OAuth 2.0 access token sealed; held posts are released."""
    if platform not in PLATFORMS:
        raise ValueError(f"unknown network {platform!r}; networks are {', '.join(PLATFORMS)}")
    if not 1 <= len(access_token) <= MAX_TOKEN // 2 or any(c.isspace() for c in access_token):
        raise ValueError(f"an access token is 1–{MAX_TOKEN // 2} characters without spaces")
    if not 1 <= len(account_ref) <= 200:
        raise ValueError("the account (URN, page id or user id) must be 1–200 characters")
    if platform == "linkedin" and not re.fullmatch(r"urn:li:(person|organization):[\w-]+", account_ref):
        raise ValueError("a LinkedIn author is a URN: urn:li:person:ID or urn:li:organization:ID")
    if platform in ("facebook", "instagram") and not account_ref.isdigit():
        raise ValueError(f"a {platform} account is its numeric id (the page id, or the Instagram user id)")
    get_site(conn, account_id=account_id, site_id=site_id)
    sealed = (secrets or default_secret_box()).seal(access_token)
    social_repo.upsert_social_account(
        conn, site_id=site_id, platform=platform, account_ref=account_ref, sealed_token=sealed, expires_at=expires_at
    )


@dataclass
class SendResult:
    published: int = 0
    retrying: int = 0
    failed: list[str] = field(default_factory=list)
    needs_reconnect: list[str] = field(default_factory=list)


class _Accounts:
    """The site's clients, opened once per network; None where the account is missing or its token unusable."""

    def __init__(
        self, conn: psycopg.Connection, settings: Settings, site_id: int, secrets: SecretBox, now: datetime
    ) -> None:
        self.conn, self.settings, self.site_id, self.secrets, self.now = conn, settings, site_id, secrets, now
        self.clients: dict[str, SocialClient | str] = {}

    def client(self, platform: Platform) -> SocialClient | str:
        """The client, or why there is none (to show the person)."""
        if platform not in self.clients:
            self.clients[platform] = self._open(platform)
        return self.clients[platform]

    def _open(self, platform: Platform) -> SocialClient | str:
        account = social_repo.social_account(self.conn, site_id=self.site_id, platform=platform)
        if account is None:
            return f"no {platform} account is connected: {reconnect_hint(self.site_id, platform)}"
        if account.needs_reconnect:
            return f"the {platform} token was refused: {reconnect_hint(self.site_id, platform)}"
        if account.expires_at is not None and account.expires_at <= self.now:
            social_repo.mark_account_needs_reconnect(self.conn, site_id=self.site_id, platform=platform)
            return f"the {platform} token expired on {account.expires_at:%Y-%m-%d %H:%M}: " + reconnect_hint(
                self.site_id, platform
            )
        try:
            token = self.secrets.open(account.access_token_secret, what=f"the {platform} token of site {self.site_id}")
        except SecretUnreadable as exc:
            return f"{exc}: {reconnect_hint(self.site_id, platform)}"
        try:
            return client_for(self.settings, platform, token=token, account_ref=account.account_ref)
        except ValueError as exc:  # an account saved before its reference was checked
            return f"{exc}: {reconnect_hint(self.site_id, platform)}"

    def close(self) -> None:
        for client in self.clients.values():
            if not isinstance(client, str):
                client.close()


def _backoff(settings: Settings, attempts: int, error: RetryLater, now: datetime) -> datetime:
    delay = settings.social_retry_base_s * 2 ** max(0, attempts - 1)
    if error.retry_after_s is not None:
        delay = max(delay, error.retry_after_s)
    return now + timedelta(seconds=delay)


def _send_one(conn: psycopg.Connection, accounts: _Accounts, post: dict, result: SendResult) -> None:
    settings, now = accounts.settings, accounts.now
    label = f"{post['slug']} on {post['platform']}"
    client = accounts.client(post["platform"])
    if isinstance(client, str):
        social_repo.finish_post(conn, post_id=post["id"], status="needs_reconnect", error=client)
        result.needs_reconnect.append(f"{label}: {client}")
        return
    media = post["media_path"]
    outgoing = OutgoingPost(post["body"], post["link"], post["title"], media, bool(media and media.endswith(".mp4")))
    try:
        published = client.publish(outgoing)
    except TokenExpired as exc:
        social_repo.mark_account_needs_reconnect(conn, site_id=accounts.site_id, platform=post["platform"])
        accounts.clients[post["platform"]] = f"the {post['platform']} token was refused ({exc})"
        message = f"{exc}; {reconnect_hint(accounts.site_id, post['platform'])}"
        social_repo.finish_post(conn, post_id=post["id"], status="needs_reconnect", error=message)
        result.needs_reconnect.append(f"{label}: {message}")
    except RetryLater as exc:
        if post["attempts"] >= settings.social_max_attempts:
            social_repo.finish_post(
                conn, post_id=post["id"], status="failed", error=f"{exc} (gave up after {post['attempts']} attempts)"
            )
            result.failed.append(f"{label}: {exc}")
        else:
            retry_at = _backoff(settings, post["attempts"], exc, now)
            social_repo.finish_post(
                conn, post_id=post["id"], status="scheduled", error=str(exc), next_attempt_at=retry_at
            )
            result.retrying += 1
    except (PostRejected, SocialError) as exc:
        social_repo.finish_post(conn, post_id=post["id"], status="failed", error=str(exc))
        result.failed.append(f"{label}: {exc}")
    else:
        social_repo.finish_post(conn, post_id=post["id"], status="published", remote_id=published.remote_id)
        result.published += 1


def send_due_posts(
    database: Database,
    settings: Settings,
    *,
    account_id: int,
    site_id: int,
    slug: str | None = None,
    now: datetime | None = None,
    secrets: SecretBox | None = None,
    ignore_schedule: bool = False,
    progress: Progress = lambda stage, done, total: None,
) -> SendResult:
    """Send every post whose time has come (``now``, default the clock), or every scheduled one with
    ``ignore_schedule``; each post goes out once."""
    now = now or datetime.now(UTC)
    result = SendResult()
    with database.connection() as conn:
        get_site(conn, account_id=account_id, site_id=site_id)
        due = social_repo.claim_due_posts(conn, site_id=site_id, now=now, slug=slug, ignore_schedule=ignore_schedule)
    # Each post's outcome is committed on its own, so a crash loses at most the one being sent.
    with database.connection() as conn:
        accounts = _Accounts(conn, settings, site_id, secrets or default_secret_box(), now)
        try:
            for done, post in enumerate(due, start=1):
                _send_one(conn, accounts, post, result)
                conn.commit()
                progress("social", done, len(due))
        finally:
            accounts.close()
    return result
