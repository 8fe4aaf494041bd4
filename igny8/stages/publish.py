"""Stage 7, publishing: the site's approved content goes to its WordPress through the REST API.

What becomes what on WordPress:
  content_type post     → a post (``posts``), in the category named after its cluster;
  content_type page     → a page (``pages``): hubs, service, landing and business pages;
  content_type taxonomy → a page: the landing page of an attribute value, carrying that value's term;
  content_type product  → a page: WooCommerce products live behind another API (``/wc/v3``, its own keys).
The blueprint's taxonomies become custom taxonomies (registered by the IGNY8 plugin), their values terms;
every post and page carries the terms of its attribute values, its featured image, and the meta that ties
it to IGNY8: igny8_content_id, igny8_task_id, igny8_cluster, igny8_blueprint_version. Tags are not used: a tag
per keyword makes thin archive pages, which the SAG rules out; the blueprint's flat taxonomies play that part.

Featured images are uploaded as they are, nothing is converted. The embedded image renderer writes SVG title
cards, and WordPress refuses SVG uploads unless the site allows them (a plugin, or the test bed's must-use
plugin): a refused image is reported in ``warnings`` and the page is published without one. For real sites,
configure a PNG image model (IGNY8_IMAGE_MODEL, a LiteLLM image model), whose images WordPress accepts.

Idempotent and safe after a crash: publish_records maps content to the WordPress object, so a re-run
updates it (or skips it when nothing changed); a post created just before a crash, with no record yet, is
found by its slug and igny8_content_id meta and adopted. Content is marked 'published' with its record.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from igny8.domain.blueprint import Blueprint, PagePlan
from igny8.memory import publish_records
from igny8.memory.database import Database
from igny8.memory.tenancy import get_site
from igny8.stages.publish_connection import (
    MAX_APPLICATION_PASSWORD,
    save_wordpress_connection,
    wordpress_client_for_site,
)
from igny8.stages.publish_payloads import (
    WP_TYPE_FOR_CONTENT,
    SiteTerms,
    build_payload,
    payload_hash,
    sync_site_terms,
    wordpress_body,
    wp_type_for,
)
from igny8.tools.integrations.wordpress_client import (
    WordPressAuthError,
    WordPressClient,
    WordPressError,
    WordPressUnreachable,
    WpType,
)

# The connection and the payload live in sibling modules; their public names stay importable from here.
__all__ = [
    "MAX_APPLICATION_PASSWORD",
    "SVG_ADVICE",
    "WORDPRESS_STATUSES",
    "WP_TYPE_FOR_CONTENT",
    "PublishFailure",
    "PublishInProgress",
    "PublishResult",
    "SiteTerms",
    "payload_hash",
    "publish_site",
    "save_wordpress_connection",
    "sync_site_terms",
    "wordpress_body",
    "wordpress_client_for_site",
]

log = logging.getLogger(__name__)

WORDPRESS_STATUSES = ("publish", "draft", "pending", "private")  # what the posts and pages get on WordPress
SVG_ADVICE = (
    "WordPress accepts SVG uploads only where the site allows them; configure a PNG image model "
    "(IGNY8_IMAGE_MODEL) for sites that do not"
)


class PublishInProgress(RuntimeError):
    """Another publish run for this site holds the lock."""


@dataclass(frozen=True, slots=True)
class PublishFailure:
    content_id: int
    slug: str
    reason: str


@dataclass
class PublishResult:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failures: list[PublishFailure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    taxonomies: int = 0
    terms_created: int = 0
    seconds: float = 0.0


# -- publishing -------------------------------------------------------------------------------------------


def _media_slug(image_path: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", Path(image_path).stem.lower()).strip("-")


def _ours(items: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Content id → the WordPress item carrying it in its igny8_content_id meta."""
    found: dict[int, dict[str, Any]] = {}
    for item in items:
        content_id = (item.get("meta") or {}).get("igny8_content_id")
        if content_id:
            found.setdefault(int(content_id), item)
    return found


def _adoptable(
    client: WordPressClient, rows: list[dict[str, Any]], pages: dict[str, PagePlan]
) -> tuple[dict[int, dict[str, Any]], dict[int, dict[str, Any]]]:
    """Posts, pages and media that WordPress has for content we hold no record of (a crash between the
    write and its record, or records lost): found by slug in a few batched requests, matched by meta."""
    items: dict[int, dict[str, Any]] = {}
    for wp_type in ("posts", "pages"):
        slugs = [r["slug"] for r in rows if not r["wp_id"] and wp_type_for(r, pages) == wp_type]
        if slugs:
            items.update(_ours(client.find_by_slugs(wp_type, slugs)))  # type: ignore[arg-type]
    stems = [_media_slug(r["image_path"]) for r in rows if r["image_path"] and not r["wp_media_id"]]
    return items, (_ours(client.find_media(stems)) if stems else {})


@dataclass
class _Run:
    database: Database
    client: WordPressClient
    site_id: int
    pages: dict[str, PagePlan]
    terms: SiteTerms
    status: str
    force: bool
    recreate_missing: bool
    result: PublishResult
    adoptable_items: dict[int, dict[str, Any]]
    adoptable_media: dict[int, dict[str, Any]]

    def featured_media(self, row: dict[str, Any]) -> int:
        """The WordPress id of the page's featured image, uploaded once; 0 when there is none."""
        if not row["image_path"]:
            return 0
        if row["wp_media_id"] and row["media_source_path"] == row["image_path"]:
            return int(row["wp_media_id"])
        path = Path(row["image_path"])
        if not path.is_file():
            self.result.warnings.append(f"{row['slug']}: featured image {path} is missing on disk; kept the old one")
            return int(row["wp_media_id"] or 0)
        found = None if row["wp_media_id"] else self.adoptable_media.get(row["id"])
        if found:  # uploaded just before a crash, never recorded
            media_id, url = int(found["id"]), str(found.get("source_url") or "")
        else:
            try:
                uploaded = self.client.upload_media(path, alt_text=row["title"], content_id=row["id"])
            except (WordPressAuthError, WordPressUnreachable):
                raise
            except WordPressError as exc:
                self.result.warnings.append(f"{row['slug']}: published without a featured image: {exc}. {SVG_ADVICE}")
                return 0
            media_id, url = uploaded.id, uploaded.source_url
        with self.database.connection() as conn:
            publish_records.record_media(
                conn,
                image_id=row["image_id"],
                site_id=self.site_id,
                wp_media_id=media_id,
                wp_url=url,
                source_path=str(path),
            )
        return media_id

    def payload(self, row: dict[str, Any], wp_type: WpType, featured: int) -> dict[str, Any]:
        return build_payload(row, wp_type, featured, pages=self.pages, terms=self.terms, status=self.status)

    def publish(self, row: dict[str, Any]) -> str:
        """Publish one content row; returns 'created', 'updated' or 'skipped'."""
        wp_type = wp_type_for(row, self.pages)
        payload = self.payload(row, wp_type, self.featured_media(row))
        digest = payload_hash(payload)
        if row["wp_id"] and row["payload_hash"] == digest and not self.force:
            self.record(row, wp_type, None, digest)
            return "skipped"
        item = None
        if row["wp_id"]:
            try:
                item = self.client.update_item(wp_type, int(row["wp_id"]), payload)
            except WordPressError as exc:
                if exc.code != "rest_post_invalid_id":
                    raise
                if not self.recreate_missing:
                    raise WordPressError(
                        f"WordPress no longer has {wp_type} {row['wp_id']}, where this page was published (deleted "
                        f"there?): {exc}. Publish with recreate_missing to create it again",
                        status=exc.status,
                        code=exc.code,
                    ) from None
        outcome = "updated"
        if item is None:
            adopted = None if row["wp_id"] else self.adoptable_items.get(row["id"])
            if adopted and adopted.get("type") == wp_type.removesuffix("s"):  # created, then a crash: no record
                item = self.client.update_item(wp_type, int(adopted["id"]), payload)
            else:
                item, outcome = self.client.create_item(wp_type, payload), "created"
        if item.get("slug") and item["slug"] != row["slug"]:
            self.result.warnings.append(f"{row['slug']}: WordPress gave it the slug {item['slug']!r} (taken there)")
        self.record(row, wp_type, item, digest)
        return outcome

    def record(self, row: dict[str, Any], wp_type: WpType, item: dict[str, Any] | None, digest: str) -> None:
        with self.database.connection() as conn:
            if item is not None:
                publish_records.record_publication(
                    conn,
                    content_id=row["id"],
                    site_id=self.site_id,
                    wp_id=item["id"],
                    wp_type=wp_type,
                    wp_link=item.get("link"),
                    payload_hash=digest,
                )
            publish_records.mark_content_published(conn, content_id=row["id"])


def publish_site(
    database: Database,
    *,
    account_id: int,
    site_id: int,
    blueprint: Blueprint,
    client: WordPressClient,
    include_review: bool = False,
    force: bool = False,
    recreate_missing: bool = False,
    wordpress_status: str = "publish",
    progress: Callable[[str, int, int], None] = lambda stage, done, total: None,
) -> PublishResult:
    """Publish the site's approved content (and 'review' content with include_review) to WordPress.

    Bad credentials, an unreachable site or a missing IGNY8 plugin stop the run before anything is
    written (WordPressAuthError, WordPressUnreachable, WordPressError). A page WordPress refuses is
    reported in ``failures`` and the others go on. ``force`` sends pages even when nothing changed;
    ``recreate_missing`` creates again a page deleted on WordPress since it was published.
    """
    if wordpress_status not in WORDPRESS_STATUSES:
        raise ValueError(f"wordpress_status must be one of {', '.join(WORDPRESS_STATUSES)}, not {wordpress_status!r}")
    started = time.perf_counter()
    statuses = ["approved", "published", *(["review"] if include_review else [])]
    result = PublishResult()
    with database.connection() as lock:
        get_site(lock, account_id=account_id, site_id=site_id)
        if blueprint.site_id not in (None, site_id):
            raise ValueError(f"blueprint {blueprint.id} belongs to site {blueprint.site_id}, not {site_id}")
        if not publish_records.try_lock_site_publishing(lock, site_id=site_id):
            raise PublishInProgress(f"site {site_id} is being published by another run; try again when it ends")
        with database.connection() as conn:
            rows = publish_records.publishable_content(conn, site_id=site_id, statuses=statuses)
        client.current_user()  # a refused application password stops us here, before any write
        pages = {p.slug: p for p in blueprint.pages}
        posts_clusters = {r["meta"].get("cluster") for r in rows if wp_type_for(r, pages) == "posts"}
        terms = sync_site_terms(
            database, client, site_id=site_id, blueprint=blueprint, category_clusters={c for c in posts_clusters if c}
        )
        result.taxonomies, result.terms_created = len(terms.rest_bases), terms.created
        adoptable_items, adoptable_media = _adoptable(client, rows, pages)
        run = _Run(
            database,
            client,
            site_id,
            pages,
            terms,
            wordpress_status,
            force,
            recreate_missing,
            result,
            adoptable_items,
            adoptable_media,
        )
        for done, row in enumerate(rows, start=1):
            try:
                outcome = run.publish(row)
            except (WordPressAuthError, WordPressUnreachable):
                raise
            except WordPressError as exc:
                log.warning("publishing %s failed: %s", row["slug"], exc)
                result.failures.append(PublishFailure(row["id"], row["slug"], str(exc)))
            else:
                setattr(result, outcome, getattr(result, outcome) + 1)
            progress("publish", done, len(rows))
    result.seconds = time.perf_counter() - started
    log.info(
        "published site %s to %s: %s created, %s updated, %s unchanged, %s failed",
        site_id,
        client.base_url,
        result.created,
        result.updated,
        result.skipped,
        len(result.failures),
    )
    return result
