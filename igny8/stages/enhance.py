"""Stage 4.6 and retroactive enhancement: JSON-LD and the on-page SERP elements for stored pages.

Re-running replaces what an earlier run placed (the elements and the one ``data-igny8`` script block),
so already-published pages can be enhanced again after the rules or the page change. Everything is read
from the page with what an earlier run placed taken out, so a second run gives the same bytes: the table of
contents is never read back as HowTo steps, and steps come only from the page's own steps section.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from igny8.domain.blueprint import Blueprint
from igny8.memory import content_repo
from igny8.memory.database import Database
from igny8.memory.tenancy import get_site
from igny8.tools.content.content_structures import LAYOUTS
from igny8.tools.seo.html_fragment import parse_fragment, remove_node, serialise
from igny8.tools.seo.json_ld import script_tag, validate_json_ld
from igny8.tools.seo.schema_builders import PageFacts, SiteFacts, build_json_ld, faq_from_html, steps_from_html
from igny8.tools.seo.serp_elements import ELEMENT_SELECTOR, build_elements, place_elements

SCHEMA_SELECTOR = 'script[type="application/ld+json"][data-igny8="schema"]'


@dataclass
class EnhanceResult:
    pages: int = 0
    blocks: int = 0
    invalid: list[str] = field(default_factory=list)
    warnings: int = 0
    elements: dict[str, int] = field(default_factory=dict)


def site_facts(database: Database, account_id: int, site_id: int, blueprint: Blueprint) -> SiteFacts:
    with database.connection() as conn:
        site = get_site(conn, account_id=account_id, site_id=site_id)
    business = blueprint.business
    return SiteFacts(name=str(business.get("name") or site.name), url=site.url or "", site_type=blueprint.site_type)


def without_enhancements(document: str) -> str:
    """The page as the earlier stages left it: our JSON-LD block and SERP elements taken out."""
    tree = parse_fragment(document)
    for node in [*tree.css(SCHEMA_SELECTOR), *tree.css(ELEMENT_SELECTOR)]:
        remove_node(node)
    return serialise(tree)


def _steps(document: str, meta: dict[str, Any]) -> list[str]:
    """Real steps only: from the page's steps section(s) of its layout, and only when the writer says the
    steps came from the brief (pages written before that flag existed are read as they are)."""
    if meta.get("steps_source", "brief") != "brief":
        return []
    layout = LAYOUTS.get(meta.get("structure", ""), ())
    keys = tuple(spec.key for spec in layout if spec.kind == "steps") or ("steps",)
    return steps_from_html(document, keys)


def _page_facts(row: dict[str, Any], blueprint: Blueprint, written: dict[str, str]) -> PageFacts:
    plan = {p.slug: p for p in blueprint.pages}
    page = plan.get(row["slug"])
    meta = row["meta"]
    crumbs = [("Home", "home")]
    if page and page.cluster and page.kind != "hub":
        hub = next((p for p in blueprint.pages if p.kind == "hub" and p.cluster == page.cluster), None)
        if hub and hub.slug in written:
            crumbs.append((hub.title, hub.slug))
    if row["slug"] != "home":
        crumbs.append((row["title"], row["slug"]))
    listed = [
        (written[link.target], link.target)
        for link in blueprint.link_map
        if link.source == row["slug"]
        and link.target in written
        and link.link_type in {"hub_to_supporting", "hub_to_term"}
    ]
    images = meta.get("images") or []
    featured = next((i.get("url") for i in images if i.get("role") == "featured" and i.get("url")), None)
    return PageFacts(
        slug=row["slug"],
        title=row["title"],
        description=meta.get("meta_description", ""),
        structure=meta["structure"],
        kind=meta.get("kind", ""),
        published=row["created_at"].date().isoformat(),
        modified=row["updated_at"].date().isoformat(),
        image=featured,
        faq=faq_from_html(row["html"]),
        steps=_steps(row["html"], meta),
        list_items=listed,
        breadcrumb=crumbs,
        topic=meta.get("cluster_name") or row["title"].split(":")[0],
    )


def enhance_site(
    database: Database, *, account_id: int, site_id: int, blueprint: Blueprint, progress: Any = None
) -> EnhanceResult:
    facts = site_facts(database, account_id, site_id, blueprint)
    result = EnhanceResult()
    with database.connection() as conn:
        rows = content_repo.site_content_for_enhancement(conn, site_id=site_id)
    written = {r["slug"]: r["title"] for r in rows}
    for done, stored in enumerate(rows, start=1):
        row = {**stored, "html": without_enhancements(stored["html"])}
        page = _page_facts(row, blueprint, written)
        nodes = build_json_ld(facts, page)
        issues = [issue for node in nodes for issue in validate_json_ld(node)]
        errors = [str(i) for i in issues if i.severity == "error"]
        if errors:
            result.invalid.append(f"{row['slug']}: {'; '.join(errors)}")
            nodes = [n for n in nodes if not any(i.severity == "error" for i in validate_json_ld(n))]
        result.warnings += sum(1 for i in issues if i.severity == "warning")
        elements = build_elements(
            row["html"], topic=page.topic, structure=page.structure, cluster_type=row["meta"].get("cluster_type")
        )
        document = place_elements(row["html"], elements)
        if nodes:
            document = script_tag(nodes) + "\n" + document
        facts_meta = {
            "schema_types": [n["@type"] for n in nodes],
            "schema_valid": not errors,
            "serp_elements": sorted(elements),
        }
        if document != stored["html"] or any(stored["meta"].get(k) != v for k, v in facts_meta.items()):
            # updated_at is left alone: it dates the page's content (JSON-LD dateModified reads it), and
            # adding the derived layer again must not move it, or a re-run on another day would differ.
            with database.connection() as conn:
                content_repo.set_enhanced_html(conn, content_id=row["id"], html=document, meta_update=facts_meta)
        result.pages += 1
        result.blocks += len(nodes)
        for name in elements:
            result.elements[name] = result.elements.get(name, 0) + 1
        if progress:
            progress("schema", done, len(rows))
    return result
