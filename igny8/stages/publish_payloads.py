"""What a content row becomes on WordPress: its type (post or page), its body, the terms and category it
carries, and the payload sent (with the hash that tells an unchanged page from a changed one). The blueprint's
taxonomies and terms are made sure of on WordPress first (``sync_site_terms``)."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from igny8.domain.blueprint import Blueprint, PagePlan
from igny8.memory import publish_records
from igny8.memory.database import Database
from igny8.tools.integrations.wordpress_client import TaxonomySpec, WordPressClient, WordPressError, WpType

WP_TYPE_FOR_CONTENT: dict[str, WpType] = {"post": "posts", "page": "pages", "taxonomy": "pages", "product": "pages"}
_FIRST_H1 = re.compile(r"<h1[^>]*>.*?</h1>\n?", re.DOTALL)


# -- taxonomies and terms ---------------------------------------------------------------------------------


@dataclass
class SiteTerms:
    """WordPress ids of the blueprint's terms and of the clusters' categories."""

    rest_bases: dict[str, str] = field(default_factory=dict)  # attribute slug → REST base of its taxonomy
    term_ids: dict[str, dict[str, int]] = field(default_factory=dict)  # attribute slug → value → term id
    categories: dict[str, int] = field(default_factory=dict)  # cluster slug → category id
    created: int = 0

    def assignments(self, attribute_values: dict[str, str]) -> dict[str, list[int]]:
        """The page's terms per taxonomy REST base; an empty list clears a value the page no longer has."""
        chosen: dict[str, set[int]] = {rest_base: set() for rest_base in self.rest_bases.values()}
        for key, value in attribute_values.items():
            attribute = key.removesuffix("#2")  # the second value of a comparison page
            term_id = self.term_ids.get(attribute, {}).get(value)
            if term_id:
                chosen[self.rest_bases[attribute]].add(term_id)
        return {rest_base: sorted(ids) for rest_base, ids in chosen.items()}


def _ensure_terms(client: WordPressClient, rest_base: str, wanted: dict[str, str]) -> tuple[dict[str, int], int]:
    """slug → term id for every wanted slug (slug → name), creating the missing terms; and how many were made."""
    existing = {str(t["slug"]): int(t["id"]) for t in client.list_terms(rest_base)}
    created = 0
    for slug, name in wanted.items():
        if slug not in existing:
            existing[slug] = client.create_term(rest_base, name=name, slug=slug)
            created += 1
    return {slug: existing[slug] for slug in wanted}, created


def sync_site_terms(
    database: Database, client: WordPressClient, *, site_id: int, blueprint: Blueprint, category_clusters: set[str]
) -> SiteTerms:
    """Register the blueprint's taxonomies through the IGNY8 plugin, then make sure every term exists (and
    a category per cluster that has posts); existing terms with our slugs are adopted, not duplicated."""
    terms = SiteTerms()
    records: list[tuple[str, str, int]] = []
    if blueprint.taxonomy:
        registered = {
            r.slug: r
            for r in client.create_taxonomies(
                [TaxonomySpec(t.slug, t.name, t.hierarchical) for t in blueprint.taxonomy]
            )
        }
        for taxonomy in blueprint.taxonomy:
            wordpress = registered.get(taxonomy.slug)
            if wordpress is None:
                raise WordPressError(f"the IGNY8 plugin did not register taxonomy {taxonomy.slug!r}")
            ids, created = _ensure_terms(client, wordpress.rest_base, {t.slug: t.value for t in taxonomy.terms})
            terms.rest_bases[taxonomy.attribute] = wordpress.rest_base
            terms.term_ids[taxonomy.attribute] = {t.value: ids[t.slug] for t in taxonomy.terms}
            terms.created += created
            records += [(wordpress.taxonomy, slug, term_id) for slug, term_id in ids.items()]
    names = {c.slug: c.name for c in blueprint.clusters if c.slug in category_clusters}
    if names:
        terms.categories, created = _ensure_terms(client, "categories", names)
        terms.created += created
        records += [("category", slug, term_id) for slug, term_id in terms.categories.items()]
    with database.connection() as conn:
        for taxonomy_key, slug, term_id in records:
            publish_records.record_term(conn, site_id=site_id, taxonomy=taxonomy_key, slug=slug, wp_term_id=term_id)
    return terms


# -- the payload ------------------------------------------------------------------------------------------


def wordpress_body(html: str) -> str:
    """The page body as one Custom HTML block: the theme prints the title as the page's h1, so ours goes,
    and a block keeps WordPress from re-paragraphing the HTML (wpautop) or the JSON-LD script."""
    return f"<!-- wp:html -->\n{_FIRST_H1.sub('', html, count=1)}\n<!-- /wp:html -->"


def payload_hash(payload: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def wp_type_for(row: dict[str, Any], pages: dict[str, PagePlan]) -> WpType:
    """Where a content row goes on WordPress; a published row keeps the type it was published as."""
    if row["wp_type"]:
        return row["wp_type"]  # type: ignore[no-any-return]
    plan = pages.get(row["slug"])
    return WP_TYPE_FOR_CONTENT[row["meta"].get("content_type") or (plan.content_type if plan else "post")]


def build_payload(
    row: dict[str, Any],
    wp_type: WpType,
    featured: int,
    *,
    pages: dict[str, PagePlan],
    terms: SiteTerms,
    status: str,
) -> dict[str, Any]:
    """The REST body for one content row: title, slug, body, excerpt, featured image, IGNY8 meta and terms
    (and a post's category)."""
    meta = row["meta"]
    plan = pages.get(row["slug"])
    cluster = meta.get("cluster") or (plan.cluster if plan else None)
    body: dict[str, Any] = {
        "title": row["title"],
        "slug": row["slug"],
        "status": status,
        "content": wordpress_body(row["html"]),
        "excerpt": meta.get("meta_description", ""),
        "featured_media": featured,
        "meta": {
            "igny8_content_id": row["id"],
            "igny8_task_id": row["task_id"],
            "igny8_cluster": cluster or "",
            "igny8_blueprint_version": int(meta.get("blueprint_version") or 0),
        },
        **terms.assignments(plan.attribute_values if plan else {}),
    }
    if wp_type == "posts":
        category = terms.categories.get(cluster or "")
        body["categories"] = [category] if category else []
    return body
