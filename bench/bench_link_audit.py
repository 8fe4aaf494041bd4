"""A link audit over 10,000 pages (target: under 60 s on 2 cores), and how its cost grows with the number
of pages: the same audit at 1,000, 2,500, 5,000 and 10,000 pages; the 1,000-page run is the baseline of the
ratio (linear growth gives a ratio equal to the size ratio).
Run: .venv/bin/python bench/bench_link_audit.py
"""

from __future__ import annotations

import random
import time

from igny8.tools.seo.link_audit import AuditPage, audit_links

PARAGRAPH = (
    "Patients often ask how long treatment takes and what it costs, and the answer depends on the "
    "clinic, the materials and the follow-up care that each plan includes. "
)


def synthetic_site(pages: int, seed: int = 7) -> list[AuditPage]:
    """Hubs with supporting pages and term pages, each page ~600 words with 4–8 internal links."""
    rng = random.Random(seed)
    hubs = max(1, pages // 20)
    slugs = [f"page-{i}" for i in range(pages)]
    site = []
    for i, slug in enumerate(slugs):
        cluster = f"c{i % hubs}"
        kind = "hub" if i < hubs else ("supporting" if i % 3 else "term")
        targets = [f"page-{i % hubs}"] + rng.sample(slugs, 6)
        links = "".join(
            f'<p>{PARAGRAPH}See <a href="/{t}/">related topic {j}</a> for more.</p>' for j, t in enumerate(targets)
        )
        site.append(AuditPage(slug, kind, cluster, f"<article><h1>{slug}</h1>{PARAGRAPH * 20}{links}</article>"))
    return site


def main() -> None:
    sizes = (1_000, 2_500, 5_000, 10_000)
    timings = {}
    for size in sizes:
        site = synthetic_site(size)
        started = time.perf_counter()
        report = audit_links(site)
        timings[size] = time.perf_counter() - started
        print(
            f"{size:6d} pages, {report.links:6d} links: {timings[size]:6.2f} s "
            f"(×{timings[size] / timings[sizes[0]]:.1f} the 1,000-page time for ×{size / sizes[0]:g} the pages); "
            f"orphans {len(report.orphans)}, missing hub links {len(report.missing_hub_links)}"
        )
    print(f"10,000-page audit: {timings[10_000]:.2f} s (target < 60 s)")


if __name__ == "__main__":
    main()
