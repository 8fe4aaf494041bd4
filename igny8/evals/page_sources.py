"""Pages for the page quality evaluation: a site's stored pages, an export folder, or pages written now
from a dental blueprint with a chosen model."""

from __future__ import annotations

import html as html_lib
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from igny8.evals.page_quality import PageText
from igny8.llm.embedder import Embedder


def _brief_text(title: str, meta: dict[str, Any]) -> str:
    keywords = meta.get("target_keywords") or []
    return ". ".join(x for x in [title, meta.get("cluster_name") or meta.get("topic") or "", ", ".join(keywords)] if x)


def _lead_of(document: str, meta_description: str) -> str:
    """The page's TL;DR (the SEO layer's element) if it has one, else its meta description."""
    found = re.search(r'data-igny8-element="tldr"[^>]*>(.*?)</aside>', document, flags=re.DOTALL)
    if found:
        return html_lib.unescape(re.sub(r"<[^>]+>", " ", found.group(1))).replace("TL;DR:", "").strip()
    return meta_description


def pages_from_exports(folder: Path) -> list[PageText]:
    pages = []
    for path in sorted(folder.rglob("pages/*.json")) or sorted(folder.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if "html" not in data:
            continue
        pages.append(
            PageText(
                data["title"],
                _lead_of(data["html"], data.get("meta_description", "")),
                data["html"],
                _brief_text(data["title"], data),
            )
        )
    return pages


def pages_from_site(settings: Any, site_id: int) -> list[PageText]:
    from igny8.memory import content_repo
    from igny8.memory.database import Database

    database = Database.open(settings)
    try:
        with database.connection() as conn:
            rows = content_repo.site_pages_in_order(conn, site_id=site_id)
    finally:
        database.close()
    return [
        PageText(
            r["title"],
            _lead_of(r["html"], r["meta"].get("meta_description", "")),
            r["html"],
            _brief_text(r["title"], r["meta"]),
        )
        for r in rows
    ]


def dental_blueprint(embedder: Embedder) -> Any:
    """A dental-clinic blueprint built in memory from the catalog (no database, no model)."""
    from igny8.agents.clusterer import ClustererAgent
    from igny8.catalog.loader import load_catalog
    from igny8.domain.business import BusinessDetails
    from igny8.tools.sag.attribute_population import merge_templates, populate
    from igny8.tools.sag.blueprint_assembly import assemble_blueprint

    catalog = load_catalog()
    template = catalog.template("dental-clinics")
    assert template is not None
    attribute_set = populate(merge_templates([template]), BusinessDetails(name="Bright Smile Dental"))
    proposal = ClustererAgent(embedder).propose_clusters(
        attribute_set, {"dental-clinics": catalog.sector("dental-clinics").sector.name}
    )
    blueprint = assemble_blueprint(
        site_type="local_service",
        industry="healthcare-medical",
        sectors=["dental-clinics"],
        business=BusinessDetails(name="Bright Smile Dental"),
        attributes=attribute_set.attributes,
        clusters=proposal.clusters,
        template_count=len(template.keyword_templates),
        notes=[],
    )
    return blueprint


def dental_briefs(count: int, embedder: Embedder) -> list[dict[str, Any]]:
    """``count`` briefs of the dental blueprint, one structure after another (round robin)."""
    from igny8.stages.briefs import build_brief, ordered_pages

    blueprint = dental_blueprint(embedder)
    by_structure: dict[str, list[Any]] = {}
    for page in ordered_pages(blueprint):
        by_structure.setdefault(page.structure, []).append(page)
    chosen: list[Any] = []
    while len(chosen) < count and any(by_structure.values()):
        for pages in by_structure.values():
            if pages and len(chosen) < count:
                chosen.append(pages.pop(0))
    return [build_brief(blueprint, page) for page in chosen]


def generate_pages(count: int, model: str, embedder: Embedder, profile: str = "auto") -> list[PageText]:
    from igny8.agents.writer import WriterAgent
    from igny8.config import Settings
    from igny8.llm.gateway import ModelGateway

    settings = Settings(default_model=model, embedder="fake", environment="development", writer_profile=profile)  # type: ignore[arg-type]
    writer = WriterAgent(ModelGateway(settings))
    pages = []
    for brief in dental_briefs(count, embedder):
        started = time.perf_counter()
        draft = writer.write_page(brief)
        seconds = time.perf_counter() - started
        body = f"<p>{html_lib.escape(draft.meta_description)}</p>\n" + "\n".join(s.html for s in draft.sections)
        brief_text = ". ".join([brief["title"], brief.get("topic") or "", ", ".join(brief["target_keywords"])])
        raw = " ".join(re.sub(r"\s+", " ", c.text).strip() for c in draft.calls)
        pages.append(PageText(draft.title, draft.meta_description, body, brief_text, round(seconds, 1), raw))
        print(
            f"  wrote {brief['structure']:<18} {draft.word_count:>5} words {seconds:6.1f} s  {draft.title[:60]}",
            file=sys.stderr,
        )
    return pages
