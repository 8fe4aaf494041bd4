"""What the analysis reports about an existing site against its grid: coverage of attribute values, missing
values and clusters, thin pages, cannibalisation, orphans and weakly linked pages, pages without JSON-LD."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import urlsplit

from igny8.domain.blueprint import Blueprint
from igny8.tools.site_audit.page_mapping import PageMapping, SitePage

THIN_PAGE_WORDS = 300


def _inbound_links(pages: list[SitePage]) -> Counter[str]:
    known = {p.url for p in pages}
    inbound: Counter[str] = Counter()
    for page in pages:
        for target in set(page.internal_links):
            if target in known and target != page.url:
                inbound[target] += 1
    return inbound


def _is_home(url: str) -> bool:
    return urlsplit(url).path in {"", "/"}


def grid_coverage(mappings: list[PageMapping], blueprint: Blueprint) -> dict[str, Any]:
    named: dict[str, set[str]] = {}
    for mapping in mappings:
        for slug, values in mapping.values.items():
            named.setdefault(slug, set()).update(values)
    per_attribute = {}
    missing = {}
    for attribute in blueprint.attributes:
        covered = [v for v in attribute.values if v in named.get(attribute.slug, set())]
        per_attribute[attribute.slug] = {"covered": len(covered), "values": len(attribute.values)}
        gaps = [v for v in attribute.values if v not in covered]
        if gaps:
            missing[attribute.slug] = gaps
    total = sum(a["values"] for a in per_attribute.values())
    covered_total = sum(a["covered"] for a in per_attribute.values())
    return {
        "values_covered": covered_total,
        "values_total": total,
        "percent": round(100 * covered_total / total, 1) if total else 0.0,
        "per_attribute": per_attribute,
        "missing_values": missing,
    }


def cluster_findings(mappings: list[PageMapping], blueprint: Blueprint) -> dict[str, Any]:
    serving: dict[str, list[PageMapping]] = {}
    for mapping in mappings:
        if mapping.cluster is not None:
            serving.setdefault(mapping.cluster, []).append(mapping)
    cannibals = []
    for slug, members in serving.items():
        by_kind: dict[str, list[PageMapping]] = {}
        for member in members:
            if member.kind != "term":
                by_kind.setdefault(member.kind, []).append(member)
        for kind, same in by_kind.items():
            if len(same) > 1:
                ranked = sorted(same, key=lambda m: -m.similarity)
                cannibals.append({"cluster": slug, "kind": kind, "pages": [m.url for m in ranked]})
    return {
        "served": {slug: [m.url for m in members] for slug, members in sorted(serving.items())},
        "missing_clusters": [c.slug for c in blueprint.clusters if c.slug not in serving],
        "cannibalisation": cannibals,
    }


def page_findings(pages: list[SitePage]) -> dict[str, Any]:
    inbound = _inbound_links(pages)
    return {
        "thin_pages": [
            {"url": p.url, "words": p.word_count}
            for p in pages
            if p.word_count < THIN_PAGE_WORDS and not _is_home(p.url)
        ],
        "orphans": [p.url for p in pages if inbound[p.url] == 0 and not _is_home(p.url)],
        "weakly_linked": [p.url for p in pages if inbound[p.url] == 1 and not _is_home(p.url)],
        "no_json_ld": [p.url for p in pages if not p.json_ld_types],
        "noindex": [p.url for p in pages if p.noindex],  # asks search engines to leave it out
    }
