"""Is every cluster a topic a practitioner would accept? Runs every catalog sector's template through
keyword generation and cluster formation and reports, per sector:

- cluster names and hub titles that are lists of values ("Crooked Teeth, Stained Teeth and More"), and
  names told apart only by a number ("Braces (2)");
- hubs with too few distinct subtopics (fewer than 3 search patterns, or values beside the cluster's own);
- supporting pages that target a keyword outside their hub's topic (one not carrying the cluster's values);
- keywords that fit another cluster better, by embedding: closer to another cluster's centroid than to
  their own by more than a margin;
- keywords in clusters (a site needs 300).

The fake embedder (hashed words, the default) is enough for the name and size checks and runs all 449
sectors in well under a minute on 2 cores; ``--embedder minilm`` measures fit by meaning (slower). Run:
    .venv/bin/python -m igny8.evals.cluster_topics [--sector SLUG ...] [--embedder fake|minilm] [--json FILE]
Exits 1 when a sector has a value-list name, an off-topic supporting page or fewer than 300 keywords.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.domain.blueprint import Cluster
from igny8.llm.embedder import Embedder, embedder_for
from igny8.tools.sag.attribute_population import merge_templates
from igny8.tools.sag.cluster_formation import form_clusters
from igny8.tools.sag.keyword_generation import SITE_KEYWORD_TARGET, generate_site_keywords
from igny8.tools.sag.topic_names import is_value_list

MIN_SUBTOPICS = 3
MISFIT_MARGIN = 0.1


@dataclass
class SectorReport:
    sector: str
    keywords_in_clusters: int
    clusters: int
    value_list_names: list[str] = field(default_factory=list)
    numbered_names: list[str] = field(default_factory=list)
    thin_hubs: list[str] = field(default_factory=list)
    off_topic_supporting: list[str] = field(default_factory=list)
    misfit_keywords: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return (
            not self.value_list_names
            and not self.off_topic_supporting
            and self.keywords_in_clusters >= SITE_KEYWORD_TARGET
        )


def _off_topic(cluster: Cluster) -> list[str]:
    """Supporting targets that are not keywords of the cluster carrying its attribute values."""
    on_topic = {
        k.text for k in cluster.keywords if all(k.source.get(s) == v for s, v in cluster.attribute_values.items())
    }
    return [f"{cluster.name}: {t}" for p in cluster.supporting for t in p.target_keywords if t not in on_topic]


def _subtopics(cluster: Cluster) -> int:
    """What a hub can have a section on: its distinct search patterns, or the distinct values its keywords
    add to the cluster's own (the concerns of 'Dental Concerns'), whichever is more."""
    patterns = {k.template for k in cluster.keywords}
    values = {(s, v) for k in cluster.keywords for s, v in k.source.items() if s not in cluster.attribute_values}
    return max(len(patterns), len(values))


def _misfits(clusters: list[Cluster], vectors: dict[str, np.ndarray]) -> list[str]:
    """Keywords closer to another cluster's centroid than to their own by more than MISFIT_MARGIN."""
    if len(clusters) < 2:
        return []
    centroids = np.stack([np.mean([vectors[k.text] for k in c.keywords], axis=0) for c in clusters])
    centroids /= np.maximum(np.linalg.norm(centroids, axis=1, keepdims=True), 1e-9)
    out = []
    for index, cluster in enumerate(clusters):
        rows = np.stack([vectors[k.text] for k in cluster.keywords])
        similarity = rows @ centroids.T
        own = similarity[:, index].copy()
        similarity[:, index] = -np.inf
        best = similarity.argmax(axis=1)
        for row, keyword in enumerate(cluster.keywords):
            if similarity[row, best[row]] > own[row] + MISFIT_MARGIN:
                out.append(f"{keyword.text!r} in {cluster.name!r} fits {clusters[best[row]].name!r}")
    return out


def evaluate(slug: str, embedder: Embedder) -> SectorReport:
    template = load_catalog().template(slug)
    if template is None:
        raise ValueError(f"sector {slug!r} has no template")
    merged = merge_templates([template])
    generated = generate_site_keywords(merged, embedder)
    formation = form_clusters(generated.keywords, merged.attributes, {})
    values = {v for a in merged.attributes for v in a.values}
    vectors = dict(zip((k.text for k in generated.keywords), generated.embeddings, strict=True))
    report = SectorReport(slug, sum(len(c.keywords) for c in formation.clusters), len(formation.clusters))
    for cluster in formation.clusters:
        if is_value_list(cluster.name, values) or is_value_list(cluster.hub.title, values):
            report.value_list_names.append(cluster.name)
        if re.search(r"\(\d+\)$", cluster.name):
            report.numbered_names.append(cluster.name)
        if _subtopics(cluster) < MIN_SUBTOPICS:
            report.thin_hubs.append(cluster.name)
        report.off_topic_supporting += _off_topic(cluster)
    report.misfit_keywords = _misfits(formation.clusters, vectors)
    return report


def summarise(reports: list[SectorReport], seconds: float) -> dict[str, float | int]:
    counts = [r.keywords_in_clusters for r in reports]
    clusters = sum(r.clusters for r in reports)
    keywords = sum(counts)
    return {
        "sectors": len(reports),
        "seconds": round(seconds, 1),
        "clusters": clusters,
        "value_list_names": sum(len(r.value_list_names) for r in reports),
        "numbered_names": sum(len(r.numbered_names) for r in reports),
        "thin_hubs": sum(len(r.thin_hubs) for r in reports),
        "thin_hub_share": round(sum(len(r.thin_hubs) for r in reports) / max(1, clusters), 3),
        "off_topic_supporting": sum(len(r.off_topic_supporting) for r in reports),
        "misfit_keywords": sum(len(r.misfit_keywords) for r in reports),
        "misfit_share": round(sum(len(r.misfit_keywords) for r in reports) / max(1, keywords), 3),
        "sectors_below_target": sum(1 for c in counts if c < SITE_KEYWORD_TARGET),
        "keywords_min": min(counts),
        "keywords_median": statistics.median(counts),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sector", action="append", help="only these sectors (repeat)")
    parser.add_argument("--embedder", choices=["fake", "minilm"], default="fake")
    parser.add_argument("--json", type=Path, help="write the full report here")
    args = parser.parse_args(argv)
    catalog = load_catalog()
    slugs = args.sector or sorted(catalog.templates)
    unknown = [s for s in slugs if catalog.template(s) is None]
    if unknown:
        print(f"no template for: {', '.join(unknown)} (see `igny8 catalog sectors`)", file=sys.stderr)
        return 2
    embedder = embedder_for(Settings(embedder=args.embedder))
    started = time.perf_counter()
    reports = []
    for index, slug in enumerate(slugs, start=1):
        report = evaluate(slug, embedder)
        reports.append(report)
        if not report.ok or len(slugs) <= 20:
            print(
                f"[{index:3d}/{len(slugs)}] {'ok  ' if report.ok else 'FAIL'} {slug:44} "
                f"{report.keywords_in_clusters:4d} keywords, {report.clusters:3d} clusters, "
                f"{len(report.value_list_names)} value lists, {len(report.thin_hubs)} thin hubs, "
                f"{len(report.misfit_keywords)} misfits",
                flush=True,
            )
    summary = summarise(reports, time.perf_counter() - started)
    print(json.dumps(summary, indent=2))
    if args.json:
        args.json.write_text(json.dumps({"summary": summary, "sectors": [asdict(r) for r in reports]}, indent=2))
    return 0 if all(r.ok for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
