"""Does every catalog sector yield a blueprint that meets the constraints with the production embedder?

For each authored template: keywords generated, near-duplicates removed with all-MiniLM-L6-v2, clusters
formed; reports keywords in clusters (a site needs 300), cluster count and size limits, and keyword
quality flags (leftover placeholders, doubled words, repeated values). Run:
    .venv/bin/python -m igny8.evals.catalog_coverage [--sector SLUG ...] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.llm.embedder import embedder_for
from igny8.tools.sag.attribute_population import merge_templates
from igny8.tools.sag.cluster_formation import form_clusters
from igny8.tools.sag.keyword_expansion import quality_problem
from igny8.tools.sag.keyword_generation import SITE_KEYWORD_TARGET, generate_site_keywords


def evaluate(slug: str, embedder) -> dict:  # type: ignore[no-untyped-def]
    catalog = load_catalog()
    template = catalog.template(slug)
    assert template is not None
    merged = merge_templates([template])
    generated = generate_site_keywords(merged, embedder)
    formation = form_clusters(generated.keywords, merged.attributes, {})
    clustered = [k.text for c in formation.clusters for k in c.keywords]
    flags = [t for t in clustered if quality_problem(t)]
    return {
        "sector": slug,
        "generated": len(generated.keywords),
        "in_clusters": len(clustered),
        "clusters": len(formation.clusters),
        "semantic_duplicates_removed": generated.removed_semantic,
        "sizes_ok": all(5 <= len(c.keywords) <= 20 for c in formation.clusters),
        "quality_flags": flags[:5],
        "ok": len(clustered) >= SITE_KEYWORD_TARGET and not flags,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sector", action="append", help="only these sectors")
    parser.add_argument("--json", type=Path, help="write the full report here")
    args = parser.parse_args(argv)
    catalog = load_catalog()
    slugs = args.sector or sorted(catalog.templates)
    embedder = embedder_for(Settings(embedder="minilm"))
    started = time.perf_counter()
    results = []
    for index, slug in enumerate(slugs, start=1):
        result = evaluate(slug, embedder)
        results.append(result)
        mark = "ok  " if result["ok"] else "FAIL"
        print(
            f"[{index:3d}/{len(slugs)}] {mark} {slug:48} {result['in_clusters']:4d} keywords in "
            f"{result['clusters']:3d} clusters",
            flush=True,
        )
    failed = [r for r in results if not r["ok"]]
    counts = [r["in_clusters"] for r in results]
    print(
        f"\n{len(results)} sectors in {time.perf_counter() - started:.0f} s: {len(failed)} below "
        f"{SITE_KEYWORD_TARGET} keywords or flagged; keywords in clusters median {statistics.median(counts):.0f}, "
        f"min {min(counts)}, max {max(counts)}"
    )
    for result in failed:
        print(f"  {result['sector']}: {result['in_clusters']} keywords, flags {result['quality_flags']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
