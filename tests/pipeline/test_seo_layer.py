"""On a site built by the pipeline: no orphan pages, every supporting page links to its hub, link density
within the rules, and every JSON-LD block valid when read back out of the HTML."""

import extruct

from igny8.memory.blueprints import get_blueprint
from igny8.services import Services
from igny8.tools.seo.json_ld import TYPES, validate_json_ld
from igny8.tools.seo.link_audit import AuditPage, audit_links
from igny8.tools.seo.serp_elements import ELEMENTS
from igny8.workflows.pipeline_run import run_pipeline


def _site_pages(runtime: Services, account: int, site: int) -> tuple[list[AuditPage], list[dict]]:
    with runtime.database.connection() as conn:
        blueprint = get_blueprint(conn, account_id=account, site_id=site)
        rows = conn.execute("SELECT slug, html, meta FROM content WHERE site_id = %s", (site,)).fetchall()
    plan = {p.slug: p for p in blueprint.pages}
    return [AuditPage(r["slug"], plan[r["slug"]].kind, plan[r["slug"]].cluster, r["html"]) for r in rows], rows


def test_pipeline_site_passes_the_link_audit_and_schema_validation(
    runtime: Services, active_site: tuple[int, int]
) -> None:
    account, site = active_site
    result = run_pipeline(runtime, account_id=account, site_id=site, limit=90)
    assert result.counts["link_failures"] == 0
    pages, rows = _site_pages(runtime, account, site)
    audit = audit_links(pages)
    assert audit.orphans == []
    assert audit.missing_hub_links == []
    assert audit.broken == []
    assert audit.over_density == []
    assert audit.coverage > 0.9
    assert sum(1 for p in pages if p.kind == "supporting") >= 5

    seen_types: set[str] = set()
    for row in rows:
        blocks = extruct.extract(row["html"], syntaxes=["json-ld"], uniform=True)["json-ld"]
        assert blocks, f"{row['slug']} has no JSON-LD"
        for block in blocks:
            errors = [i for i in validate_json_ld(block) if i.severity == "error"]
            assert errors == [], (row["slug"], errors)
            seen_types.add(block["@type"])
        assert row["meta"]["schema_valid"] is True
    assert seen_types <= set(TYPES)
    assert {"Article", "FAQPage", "BreadcrumbList", "CollectionPage", "Organization", "Service"} <= seen_types
    placed = {e for r in rows for e in r["meta"]["serp_elements"]}
    assert {"tldr", "toc", "key_takeaways", "faq"} <= placed <= set(ELEMENTS)


def test_enhancement_is_repeatable(runtime: Services, active_site: tuple[int, int]) -> None:
    account, site = active_site
    run_pipeline(runtime, account_id=account, site_id=site, limit=10)
    _, before = _site_pages(runtime, account, site)
    run_pipeline(runtime, account_id=account, site_id=site, limit=10, stages=["schema"])
    _, after = _site_pages(runtime, account, site)
    for row in after:
        assert row["html"].count('data-igny8="schema"') == 1
        assert row["html"].count('data-igny8-element="toc"') <= 1
    assert {r["slug"]: r["html"].count("<a ") for r in before} == {r["slug"]: r["html"].count("<a ") for r in after}
