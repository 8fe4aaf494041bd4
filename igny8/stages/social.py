"""Stage 8, planning: the social agent writes one post per published page, chosen network and page version,
scheduled at the network's best time (stages/social_publish.py sends them). A refused post is reported, and
nothing here blocks publishing to WordPress."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import psycopg

from igny8.agents.social import PageForSocial, PostRefused, SocialAgent
from igny8.config import Settings
from igny8.llm.gateway import Meter, ModelOutputError
from igny8.memory import social_repo, video_repo
from igny8.memory.database import Database
from igny8.memory.secret_box import secret_box_for
from igny8.memory.tenancy import get_site
from igny8.stages.social_publish import send_due_posts
from igny8.tools.seo.html_fragment import page_text
from igny8.tools.social.rules import PLATFORMS, Platform
from igny8.tools.social.schedule import next_slot

Progress = Callable[[str, int, int], None]


def page_version(row: dict) -> str:
    return hashlib.sha256(f"{row['title']}\n{row['html']}".encode()).hexdigest()[:16]


def _summary(html: str, limit: int = 600) -> str:
    text = page_text(html)
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def page_for_social(row: dict, *, site_url: str | None, video_url: str | None) -> PageForSocial:
    url = row.get("wp_link") or (f"{site_url.rstrip('/')}/{row['slug']}/" if site_url else f"/{row['slug']}/")
    keywords = tuple(row["meta"].get("target_keywords") or ()) or (row["title"],)
    return PageForSocial(row["title"], _summary(row["html"]), url, keywords, video_url or row.get("image_url"))


@dataclass
class SocialPlan:
    pages: int = 0
    added: int = 0
    existing: int = 0
    refused: list[str] = field(default_factory=list)


def chosen_platforms(conn: psycopg.Connection, *, site_id: int, platforms: list[str] | None) -> list[Platform]:
    if platforms:
        unknown = [p for p in platforms if p not in PLATFORMS]
        if unknown:
            raise ValueError(f"unknown network {', '.join(unknown)}; networks are {', '.join(PLATFORMS)}")
        return [p for p in PLATFORMS if p in platforms]
    choice = social_repo.promotion_choice(conn, site_id=site_id)
    return [p for p in PLATFORMS if choice and p in choice.platforms]


def plan_social_posts(
    database: Database,
    agent: SocialAgent,
    *,
    account_id: int,
    site_id: int,
    slug: str | None = None,
    platforms: list[str] | None = None,
    now: datetime | None = None,
    progress: Progress = lambda stage, done, total: None,
) -> SocialPlan:
    """A scheduled post per published page and chosen network (the site's choice unless ``platforms``)."""
    now = now or datetime.now(UTC)
    plan = SocialPlan()
    with database.connection() as conn:
        site = get_site(conn, account_id=account_id, site_id=site_id)
        chosen = chosen_platforms(conn, site_id=site_id, platforms=platforms)
        pages = social_repo.published_pages(conn, site_id=site_id, slug=slug)
    if slug is not None and not pages:
        raise LookupError(f"no published page {slug!r} on site {site_id}: publish it first (`igny8 publish run`)")
    plan.pages = len(pages)
    work = [(row, platform) for row in pages for platform in chosen]
    for done, (row, platform) in enumerate(work, start=1):
        version = page_version(row)
        with database.connection() as conn:
            if social_repo.has_post(conn, content_id=row["id"], platform=platform, page_version=version):
                plan.existing += 1
                progress("social", done, len(work))
                continue
            video_url = video_repo.public_video_url(conn, content_id=row["id"])
        page = page_for_social(row, site_url=site.url, video_url=video_url)
        meter = Meter(account_id, site_id, f"social:{row['id']}:{platform}:{version}")
        try:
            post = agent.write_post(platform, page, meter=meter)
        except (PostRefused, ModelOutputError) as exc:
            plan.refused.append(f"{row['slug']} on {platform}: {exc}")
            progress("social", done, len(work))
            continue
        with database.connection() as conn:
            slot = next_slot(
                platform,
                now=now,
                taken=social_repo.scheduled_times(conn, site_id=site_id, platform=platform),
                engagement_by_hour=social_repo.engagement_by_hour(conn, site_id=site_id, platform=platform),
            )
            added = social_repo.insert_post(
                conn,
                site_id=site_id,
                content_id=row["id"],
                platform=platform,
                page_version=version,
                body=post.text,
                link=post.link,
                media_path=post.media,
                scheduled_at=slot,
            )
        plan.added += added
        plan.existing += not added
        progress("social", done, len(work))
    return plan


def run_social_stage(
    database: Database,
    agent: SocialAgent,
    settings: Settings,
    *,
    account_id: int,
    site_id: int,
    progress: Progress = lambda stage, done, total: None,
) -> dict[str, Any]:
    """The pipeline's stage 8: plan posts for the site's chosen networks, then send the ones that are due.
    A site that chose no network is skipped."""
    with database.connection() as conn:
        choice = social_repo.promotion_choice(conn, site_id=site_id)
    if choice is None or not choice.platforms:
        return {"log": ["social: no network chosen (`igny8 social choose --site S --platform x ...`)"]}
    plan = plan_social_posts(database, agent, account_id=account_id, site_id=site_id, progress=progress)
    sent = send_due_posts(
        database, settings, account_id=account_id, site_id=site_id, secrets=secret_box_for(settings), progress=progress
    )
    return {
        "counts": {
            "social_planned": plan.added,
            "social_refused": len(plan.refused),
            "social_published": sent.published,
            "social_failed": len(sent.failed),
            "social_needs_reconnect": len(sent.needs_reconnect),
        },
        "log": [
            f"social: {plan.added} posts scheduled, {len(plan.refused)} refused; {sent.published} sent, "
            f"{sent.retrying} to retry, {len(sent.failed)} failed, {len(sent.needs_reconnect)} wait for a reconnection"
        ],
    }
