"""Stage 8 against local servers speaking each network's API: scheduled posts go out once, a re-run posts
nothing new, an expired token asks for reconnection, a rate limit is retried with backoff, and a post that
keeps failing is shown as failed, never lost."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from igny8.agents.social import SocialAgent
from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.llm import fake
from igny8.llm.embedder import FakeEmbedder
from igny8.llm.gateway import ModelGateway
from igny8.memory import social_repo
from igny8.memory.secret_box import SecretBox
from igny8.services import Services
from igny8.stages.social import plan_social_posts
from igny8.stages.social_publish import connect_social_account, send_due_posts
from igny8.tools.social.x_length import weighted_length
from igny8.workflows.pipeline_run import run_pipeline
from tests.social.fake_networks import EXPIRED, VALID, FakeNetwork
from tests.social.scripted_posts import draft_for

SECRETS = SecretBox.from_keys("promo tests passphrase")
MONDAY = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
LATER = MONDAY + timedelta(days=8)
ACCOUNTS = {
    "linkedin": "urn:li:organization:2414183",
    "x": "me",
    "facebook": "104857600",
    "instagram": "17841400000000000",
    "tiktok": "me",
}
IMAGE_URL = "https://brightsmile.example/wp-content/uploads/implants.png"


def _connect(
    runtime: Services, account: int, site: int, platform: str, token: str = VALID, expires_at: datetime | None = None
) -> None:
    with runtime.database.connection() as conn:
        connect_social_account(
            conn,
            account_id=account,
            site_id=site,
            platform=platform,
            account_ref=ACCOUNTS[platform],
            access_token=token,
            expires_at=expires_at,
            secrets=SECRETS,
        )


def _plan(runtime: Services, account: int, site: int, platforms: list[str] | None = None, now: datetime = MONDAY):
    with fake.override(fake.ScriptedModel(default=draft_for)) as model:
        plan = plan_social_posts(
            runtime.database,
            SocialAgent(runtime.gateway),
            account_id=account,
            site_id=site,
            platforms=platforms,
            now=now,
        )
    return plan, model


def _send(runtime: Services, settings: Settings, account: int, site: int, now: datetime):  # type: ignore[no-untyped-def]
    return send_due_posts(runtime.database, settings, account_id=account, site_id=site, now=now, secrets=SECRETS)


def _new_version(runtime: Services, site: int) -> None:
    """Edit the first page, so that it gets posts of its new version."""
    with runtime.database.connection() as conn:
        conn.execute(
            "UPDATE content SET html = html || '<p>Updated.</p>' WHERE id = (SELECT min(id) FROM content"
            " WHERE site_id = %s)",
            (site,),
        )


def _posts(runtime: Services, site: int) -> list[dict]:
    with runtime.database.connection() as conn:
        return social_repo.posts_of_site(conn, site_id=site)


@pytest.fixture(scope="module")
def promoted_site(module_runtime: Services, published_site: tuple[int, int]) -> tuple[int, int]:
    """The published site with a public featured image per page (uploaded to WordPress), all five networks."""
    account, site = published_site
    with module_runtime.database.connection() as conn:
        for row in conn.execute("SELECT id FROM content WHERE site_id = %s", (site,)).fetchall():
            image = conn.execute(
                "INSERT INTO images (content_id, role, prompt, path) VALUES (%s, 'featured',"
                " 'a smile', '/tmp/x.png') RETURNING id",
                (row["id"],),
            ).fetchone()
            conn.execute(
                "INSERT INTO publish_media_records (image_id, site_id, wp_media_id, wp_url, source_path)"
                " VALUES (%s, %s, %s, %s, '/tmp/x.png')",
                (image["id"], site, 40 + row["id"], IMAGE_URL),
            )
        social_repo.set_promotion_choice(conn, site_id=site, platforms=list(ACCOUNTS), video_format=None)
    return account, site


def test_scheduled_posts_go_out_once_and_a_rerun_posts_nothing_new(
    module_runtime: Services,
    promoted_site: tuple[int, int],
    social_settings: Settings,
    networks: dict[str, FakeNetwork],
) -> None:
    account, site = promoted_site
    for platform in ACCOUNTS:
        _connect(module_runtime, account, site, platform)
    plan, model = _plan(module_runtime, account, site)
    assert (plan.added, plan.refused) == (10, [])
    assert len(model.calls) == 10
    assert all(p["scheduled_at"] > MONDAY and p["status"] == "scheduled" for p in _posts(module_runtime, site))

    early = _send(module_runtime, social_settings, account, site, MONDAY)
    assert early.published == 0 and all(not n.posts for n in networks.values())  # not their time yet

    sent = _send(module_runtime, social_settings, account, site, LATER)
    assert (sent.published, sent.failed, sent.needs_reconnect) == (10, [], [])
    assert {name: len(n.posts) for name, n in networks.items()} == dict.fromkeys(ACCOUNTS, 2)
    posts = _posts(module_runtime, site)
    assert {p["status"] for p in posts} == {"published"}
    remote = {(p["platform"], p["remote_id"]) for p in posts}
    assert remote == {(name, post["id"]) for name, n in networks.items() for post in n.posts}

    again = _send(module_runtime, social_settings, account, site, LATER + timedelta(days=30))
    assert again.published == 0 and sum(len(n.posts) for n in networks.values()) == 10
    replan, model = _plan(module_runtime, account, site)
    assert (replan.added, replan.existing, len(model.calls)) == (0, 10, 0)

    linkedin = networks["linkedin"].posts[0]
    assert linkedin["author"] == ACCOUNTS["linkedin"] and linkedin["content"]["article"]["source"].startswith("/")
    assert all(weighted_length(p["text"]) <= 280 for p in networks["x"].posts)
    assert networks["facebook"].posts[0]["link"] and networks["facebook"].posts[0]["access_token"] == VALID
    instagram = networks["instagram"].posts[0]
    assert instagram["image_url"] == IMAGE_URL and "Link in bio." in instagram["caption"]
    assert "http" not in instagram["caption"]
    assert networks["tiktok"].posts[0]["source_info"]["photo_images"] == [IMAGE_URL]
    with module_runtime.database.connection() as conn:
        stored = conn.execute("SELECT access_token_secret FROM social_accounts WHERE site_id = %s", (site,)).fetchall()
        charged = conn.execute(
            "SELECT count(*) AS n FROM credit_ledger WHERE site_id = %s AND operation = 'social_posts'", (site,)
        ).fetchone()["n"]
    assert all(r["access_token_secret"].startswith("fernet:") and VALID not in r["access_token_secret"] for r in stored)
    assert charged == 10


def test_an_expired_token_asks_for_reconnection_and_the_post_waits(
    module_runtime: Services,
    promoted_site: tuple[int, int],
    social_settings: Settings,
    networks: dict[str, FakeNetwork],
) -> None:
    account, site = promoted_site
    _connect(module_runtime, account, site, "x", token=EXPIRED)  # refused by X with its 401
    _connect(module_runtime, account, site, "linkedin", expires_at=MONDAY)  # known to be expired: not even sent
    _new_version(module_runtime, site)
    plan, _ = _plan(module_runtime, account, site, platforms=["x", "linkedin"])
    assert plan.added == 2
    sent = _send(module_runtime, social_settings, account, site, LATER)
    assert sent.published == 0 and len(sent.needs_reconnect) == 2
    assert all("igny8 social connect" in line for line in sent.needs_reconnect)
    assert networks["x"].posts == [] and networks["linkedin"].requests == []
    waiting = [p for p in _posts(module_runtime, site) if p["status"] == "needs_reconnect"]
    assert {p["platform"] for p in waiting} == {"x", "linkedin"}
    assert "Unauthorized" in next(p["last_error"] for p in waiting if p["platform"] == "x")

    assert _send(module_runtime, social_settings, account, site, LATER).needs_reconnect == []  # held, not resent
    _connect(module_runtime, account, site, "x")
    _connect(module_runtime, account, site, "linkedin")
    resent = _send(module_runtime, social_settings, account, site, LATER)
    assert resent.published == 2 and len(networks["x"].posts) == 1 and len(networks["linkedin"].posts) == 1


def test_a_rate_limit_is_retried_with_backoff_and_a_lasting_failure_is_shown(
    module_runtime: Services,
    promoted_site: tuple[int, int],
    social_settings: Settings,
    networks: dict[str, FakeNetwork],
) -> None:
    account, site = promoted_site
    _new_version(module_runtime, site)
    assert _plan(module_runtime, account, site, platforms=["facebook", "tiktok"])[0].added == 2
    networks["facebook"].fail_next = ["rate_limit"]
    networks["tiktok"].fail_next = ["server_error"] * social_settings.social_max_attempts
    first = _send(module_runtime, social_settings, account, site, LATER)
    assert (first.published, first.retrying) == (0, 2)
    assert _send(module_runtime, social_settings, account, site, LATER).retrying == 0  # backing off
    second = _send(module_runtime, social_settings, account, site, LATER + timedelta(minutes=5))
    assert second.published == 1 and len(networks["facebook"].posts) == 1  # Facebook's retry went through
    when, failed = LATER + timedelta(minutes=5), []
    for _ in range(social_settings.social_max_attempts):
        when += timedelta(days=1)
        failed += _send(module_runtime, social_settings, account, site, when).failed
    assert len(failed) == 1 and "tiktok" in failed[0] and "Something went wrong" in failed[0]
    tiktok = next(p for p in _posts(module_runtime, site) if p["platform"] == "tiktok" and p["status"] != "published")
    assert tiktok["status"] == "failed" and tiktok["attempts"] == social_settings.social_max_attempts
    assert "Something went wrong" in tiktok["last_error"] and networks["tiktok"].posts == []


def test_the_pipeline_stage_follows_the_sites_choice_and_never_fails_the_run(
    module_runtime: Services,
    promoted_site: tuple[int, int],
    social_settings: Settings,
    networks: dict[str, FakeNetwork],
) -> None:
    account, site = promoted_site
    runtime = Services(
        social_settings,
        module_runtime.database,
        ModelGateway(social_settings, module_runtime.database),
        FakeEmbedder(),
        load_catalog(),
    )
    with module_runtime.database.connection() as conn:
        social_repo.set_promotion_choice(conn, site_id=site, platforms=[], video_format=None)
    skipped = run_pipeline(runtime, account_id=account, site_id=site, stages=["social"])
    assert any("no network chosen" in line for line in skipped.log)

    with module_runtime.database.connection() as conn:
        social_repo.set_promotion_choice(conn, site_id=site, platforms=["x"], video_format=None)
    _new_version(module_runtime, site)
    with fake.override(fake.ScriptedModel(default=draft_for)):
        planned = run_pipeline(runtime, account_id=account, site_id=site, stages=["social"])
    assert planned.counts["social_planned"] == 1 and planned.counts["social_refused"] == 0

    _new_version(module_runtime, site)
    with fake.override(fake.ScriptedModel(default="not a post at all")):  # the model fails: reported, not raised
        refused = run_pipeline(runtime, account_id=account, site_id=site, stages=["social"])
    assert refused.counts["social_refused"] == 1 and refused.counts["social_planned"] == 0


def test_an_account_is_checked_before_it_is_saved(module_runtime: Services, promoted_site: tuple[int, int]) -> None:
    account, site = promoted_site
    cases = [
        ("linkedin", "12345", VALID, "URN"),
        ("facebook", "my-page", VALID, "numeric id"),
        ("mastodon", "me", VALID, "unknown network"),
        ("x", "me", "has a space", "without spaces"),
    ]
    for platform, ref, token, message in cases:
        with module_runtime.database.connection() as conn, pytest.raises(ValueError, match=message):
            connect_social_account(
                conn,
                account_id=account,
                site_id=site,
                platform=platform,
                account_ref=ref,
                access_token=token,
                expires_at=None,
                secrets=SECRETS,
            )
