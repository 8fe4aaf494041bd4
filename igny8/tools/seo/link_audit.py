"""Audit mode of the internal linker: a whole site's link graph from its pages' HTML.

Finds orphan pages, broken internal links, supporting pages without their hub link, density over the
rules and the anchor mix; reports coverage. Linear in pages plus links.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass, field

from igny8.tools.seo.link_scoring import MAX_LINKS_PER_PAGE

_LINK = re.compile(r"<a\b[^>]*?\bhref=(['\"])/([^/'\"?#]+)/?\1[^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True, slots=True)
class AuditPage:
    slug: str
    kind: str
    cluster: str | None
    html: str


@dataclass
class LinkAudit:
    pages: int
    links: int
    orphans: list[str] = field(default_factory=list)
    broken: list[dict[str, str]] = field(default_factory=list)
    missing_hub_links: list[str] = field(default_factory=list)
    over_density: list[dict[str, int | str]] = field(default_factory=list)
    coverage: float = 0.0
    anchor_mix: dict[str, int] = field(default_factory=dict)
    top_anchors: list[tuple[str, int]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.orphans or self.broken or self.missing_hub_links or self.over_density)

    def as_dict(self) -> dict:
        return {**asdict(self), "ok": self.ok}

    def readable(self) -> str:
        lines = [
            f"{self.pages} pages, {self.links} internal links, coverage {self.coverage:.0%} "
            f"({'no problems' if self.ok else 'problems found'})"
        ]
        for title, items in (
            ("orphan pages", self.orphans),
            ("broken links", self.broken),
            ("supporting pages without their hub link", self.missing_hub_links),
            ("pages over the link density", self.over_density),
        ):
            lines.append(f"{title}: {len(items)}")
            lines += [f"  - {item}" for item in items[:20]]
        lines.append("anchor mix: " + ", ".join(f"{k} {v}" for k, v in self.anchor_mix.items()))
        return "\n".join(lines)


def audit_links(pages: list[AuditPage], *, home: str = "home") -> LinkAudit:
    slugs = {p.slug for p in pages}
    hubs = {p.cluster: p.slug for p in pages if p.kind == "hub" and p.cluster}
    inbound: Counter[str] = Counter()
    anchors: Counter[str] = Counter()
    report = LinkAudit(pages=len(pages), links=0)
    outbound_pages = 0
    for page in pages:
        targets = set()
        count = 0
        for match in _LINK.finditer(page.html):
            target, anchor = match.group(2), _TAGS.sub("", match.group(3)).strip().lower()
            count += 1
            if target not in slugs:
                report.broken.append({"page": page.slug, "target": target})
                continue
            if target != page.slug:
                targets.add(target)
                anchors[anchor] += 1
        report.links += count
        inbound.update(targets)
        outbound_pages += bool(targets)
        if page.kind == "supporting" and page.cluster in hubs and hubs[page.cluster] not in targets:
            report.missing_hub_links.append(page.slug)
        words = len(_TAGS.sub(" ", page.html).split())
        allowed = max(MAX_LINKS_PER_PAGE, words // 100)
        if count > allowed:
            report.over_density.append({"page": page.slug, "links": count, "allowed": allowed})
    report.orphans = sorted(p.slug for p in pages if p.slug != home and inbound[p.slug] == 0)
    linked_both = sum(1 for p in pages if inbound[p.slug] or p.slug == home)
    report.coverage = round(min(linked_both, outbound_pages) / len(pages), 4) if pages else 0.0
    total = sum(anchors.values()) or 1
    repeated = sum(n for n in anchors.values() if n > 1)
    report.anchor_mix = {
        "distinct_anchors": len(anchors),
        "links": sum(anchors.values()),
        "reused_anchor_share_pct": round(100 * repeated / total),
    }
    report.top_anchors = anchors.most_common(5)
    return report
