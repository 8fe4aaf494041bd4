"""Each agent role's contract: what it is given and what it returns. The graphs and stages depend on these,
so a role can be served by another implementation (a capable model's agent, a scripted one in tests)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from igny8.agents.clusterer import ClusterProposal
    from igny8.agents.linker import PlacedLink
    from igny8.agents.writer import PageDraft
    from igny8.domain.catalog import Industry, SectorInfo, SectorTemplate
    from igny8.domain.content import Brief
    from igny8.llm.credits import Completion, Meter
    from igny8.tools.sag.attribute_population import AttributeSet
    from igny8.tools.seo.link_scoring import Candidate


@runtime_checkable
class SectorArchitect(Protocol):
    """A sector the catalog lacks → an attribute template that meets the hard constraints (or a refusal)."""

    def discover_sector_attributes(
        self,
        industry: Industry,
        sector: SectorInfo,
        *,
        example: SectorTemplate | None = None,
        meter: Meter | None = None,
    ) -> SectorTemplate: ...


@runtime_checkable
class ClusterProposer(Protocol):
    """An attribute set → its keywords grouped into clusters with hubs and supporting plans."""

    def propose_clusters(self, attribute_set: AttributeSet, sector_names: dict[str, str]) -> ClusterProposal: ...


@runtime_checkable
class PageWriter(Protocol):
    """A task's brief → the page in its structure's section layout."""

    def write_page(self, brief: Brief, *, meter: Meter | None = None) -> PageDraft: ...


@runtime_checkable
class LinkPlacer(Protocol):
    """A page and scored candidates → the page with internal links placed, and the links."""

    def place_links(
        self,
        document: str,
        candidates: list[Candidate],
        word_count: int,
        meter: Meter | None = None,
        used_anchors: set[str] | None = None,
    ) -> tuple[str, list[PlacedLink]]: ...


@runtime_checkable
class PageRewriter(Protocol):
    """A page and the keywords it misses → a rewrite (kept by the caller only if its score rises)."""

    def rewrite(
        self,
        document: str,
        *,
        title: str,
        missing_keywords: list[str],
        meter: Meter | None = None,
        max_paragraphs: int = 4,
    ) -> tuple[str, list[Completion]]: ...
