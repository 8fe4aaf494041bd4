"""The clusterer agent: turns the site's attributes into keywords and clusters.

Cluster formation is deterministic (attribute-value intersections, SPEC §2): a small model adds noise,
not structure, so this role calls no model when forming clusters from a blueprint's own attributes.
"""

from __future__ import annotations

from dataclasses import dataclass

from igny8.domain.blueprint import Cluster
from igny8.llm.embedder import Embedder
from igny8.tools.sag.attribute_population import AttributeSet
from igny8.tools.sag.cluster_formation import form_clusters
from igny8.tools.sag.keyword_generation import GeneratedKeywords, generate_site_keywords


@dataclass
class ClusterProposal:
    clusters: list[Cluster]
    generated: GeneratedKeywords
    dropped: int
    notes: list[str]


class ClustererAgent:
    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def propose_clusters(self, attribute_set: AttributeSet, sector_names: dict[str, str]) -> ClusterProposal:
        generated = generate_site_keywords(attribute_set, self.embedder)
        formation = form_clusters(generated.keywords, attribute_set.attributes, sector_names)
        notes = list(formation.notes)
        removed = generated.removed_exact + generated.removed_normalised + generated.removed_semantic
        if removed:
            notes.append(
                f"removed {generated.removed_exact} duplicate, {generated.removed_normalised} near-duplicate "
                f"(same words) and {generated.removed_semantic} near-duplicate (same meaning) keywords"
            )
        return ClusterProposal(formation.clusters, generated, len(formation.dropped), notes)
