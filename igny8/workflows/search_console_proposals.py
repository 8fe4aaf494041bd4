"""Ranking queries without a page become proposed supporting pages of the next blueprint version.

The queries are the open and acted ``missing_page`` findings of the latest analysis. Each is filed under the
active blueprint's nearest cluster (queries that fit none are listed, not forced) and ONE draft version is
saved: a copy of the active blueprint with a new supporting page per query. It is never activated here; the
person reviews it the usual way (`igny8 blueprint list|show|activate`). Each finding is marked acted with the
draft it went into, so a second run on the same data finds the draft still pending and saves nothing; when
the set of queries changes, one new draft holds them all."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from psycopg import Connection

from igny8.domain.blueprint import Blueprint
from igny8.memory import gsc_findings_repo as findings
from igny8.memory.blueprints import (
    active_blueprint_version,
    get_blueprint,
    lock_site_versions,
    save_blueprint_embedding_keywords,
)
from igny8.memory.tenancy import NotFound
from igny8.services import Services
from igny8.tools.search_console.page_proposals import (
    blueprint_with_pages,
    covered_queries,
    file_queries,
    is_covered,
    normalise_query,
)

KIND = "missing_page"


class ActiveVersionChanged(ValueError):
    """Another version was activated while the queries were being filed."""


def _pending_draft(conn: Connection, account_id: int, site_id: int, version: object) -> Blueprint | None:
    if not isinstance(version, int):
        return None
    try:
        draft = get_blueprint(conn, account_id=account_id, site_id=site_id, version=version)
    except NotFound:
        return None
    return draft if draft.status == "draft" else None


def _already_proposed(
    conn: Connection, account_id: int, site_id: int, active: Blueprint, queries: list[str]
) -> Blueprint | None:
    """The pending draft, made from the active version, that already holds these queries."""
    outcomes = {
        f["subject"]: f["detail"].get("outcome") or {}
        for f in findings.current_findings(conn, site_id=site_id, kind=KIND)
    }
    versions = {outcomes.get(q, {}).get("draft_version") for q in queries}
    sources = {outcomes.get(q, {}).get("from_version") for q in queries}
    if len(versions) != 1 or sources != {active.version}:
        return None
    draft = _pending_draft(conn, account_id, site_id, next(iter(versions)))
    if draft is None:
        return None
    proposed = {normalise_query(k) for p in draft.pages if p.kind == "supporting" for k in p.target_keywords}
    return draft if {normalise_query(q) for q in queries} <= proposed else None


def _summary(
    draft: Blueprint | None, active: Blueprint, pages: list[dict], unfiled: list[dict], served: list[str], created: bool
) -> dict:
    return {
        "from_version": active.version,
        "draft_version": draft.version if draft is not None and pages else None,
        "created": created,
        "pages": pages,
        "not_filed": unfiled,
        "already_covered": served,
    }


def propose_missing_pages(runtime: Services, *, account_id: int, site_id: int) -> dict[str, Any]:
    """File the current ranking queries without a page and save (or find) the draft version proposing them."""
    with runtime.database.connection() as conn:
        active = get_blueprint(conn, account_id=account_id, site_id=site_id)
        current = findings.current_findings(conn, site_id=site_id, kind=KIND)
    covered = covered_queries(active)
    queries: list[str] = []
    served: list[str] = []  # a page's title or slug already says it: not proposed
    seen: set[str] = set()
    for query in (item["subject"] for item in current):
        if not normalise_query(query) or normalise_query(query) in seen:
            continue
        seen.add(normalise_query(query))
        (served if is_covered(query, covered) else queries).append(query)
    filed, unfiled = file_queries(
        queries, active, runtime.embedder, max_distance=runtime.settings.gsc_proposal_match_distance
    )
    not_filed = [asdict(u) for u in unfiled]
    if not filed:
        return _summary(None, active, [], not_filed, served, False)
    with runtime.database.connection() as conn:
        # Decided and saved under the lock that numbers versions: two runs at once make one draft.
        lock_site_versions(conn, site_id=site_id)
        if active_blueprint_version(conn, site_id=site_id) != active.version:
            raise ActiveVersionChanged(f"site {site_id}'s active blueprint changed meanwhile: run it again")
        existing = _already_proposed(conn, account_id, site_id, active, [f.query for f in filed])
        if existing is not None:
            by_query = {normalise_query(k): p for p in existing.pages for k in p.target_keywords}
            pages = [
                {"query": f.query, "cluster": f.cluster, "slug": by_query[normalise_query(f.query)].slug} for f in filed
            ]
            return _summary(existing, active, pages, not_filed, served, False)
        proposal, new_pages = blueprint_with_pages(active, filed)
        draft = save_blueprint_embedding_keywords(
            conn, account_id=account_id, site_id=site_id, blueprint=proposal, embed=runtime.embedder.embed
        )
        pages = []
        for item, page in zip(filed, new_pages, strict=True):
            outcome = {
                "draft_version": draft.version,
                "from_version": active.version,
                "cluster": item.cluster,
                "slug": page.slug,
                "distance": item.distance,
            }
            findings.mark_acted(conn, site_id=site_id, kind=KIND, subject=item.query, outcome=outcome)
            pages.append({"query": item.query, "cluster": item.cluster, "slug": page.slug})
    return _summary(draft, active, pages, not_filed, served, True)
