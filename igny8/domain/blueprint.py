"""The blueprint: the versioned plan of one site (attributes, clusters, keywords, taxonomy, pages, links)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from igny8.domain.catalog import AttributeKind, AttributeLevel, Intent, SiteType

ClusterType = Literal[
    "product_category", "condition_problem", "feature", "brand", "informational", "comparison", "location"
]
CLUSTER_TYPES: tuple[ClusterType, ...] = (
    "product_category",
    "condition_problem",
    "feature",
    "brand",
    "informational",
    "comparison",
    "location",
)
HubStructure = Literal[
    "guide_tutorial", "product_comparison", "category_overview", "problem_solution", "resource_library"
]
ContentType = Literal["post", "page", "product", "taxonomy"]
Structure = Literal[
    "article",
    "guide",
    "comparison",
    "review",
    "listicle",
    "landing_page",
    "business_page",
    "service_page",
    "general",
    "cluster_hub",
    "product_page",
    "category_archive",
    "tag_archive",
    "attribute_archive",
]
STRUCTURES: tuple[str, ...] = Structure.__args__  # type: ignore[attr-defined]
PageKind = Literal["hub", "supporting", "term", "commercial"]
BlueprintStatus = Literal["draft", "active", "superseded"]
LinkType = Literal[
    "hub_to_supporting",
    "supporting_to_hub",
    "sibling",
    "cross_cluster",
    "term_to_hub",
    "hub_to_term",
    "to_commercial",
    "contextual",
]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Attribute(Model):
    slug: str
    name: str
    level: AttributeLevel
    kind: AttributeKind
    values: list[str]
    sectors: list[str] = Field(default_factory=list, description="sectors whose templates contributed it")


class Keyword(Model):
    text: str
    intent: Intent
    source: dict[str, str] = Field(description="the intersection it came from: attribute slug → value")
    template: str
    sector: str


class Hub(Model):
    title: str
    structure: HubStructure
    sections: list[str]


class SupportingPlan(Model):
    title: str
    structure: Structure
    target_keywords: list[str]


class Cluster(Model):
    slug: str
    name: str
    type: ClusterType
    sector: str
    attribute_values: dict[str, str]
    hub: Hub
    keywords: list[Keyword]
    supporting: list[SupportingPlan]
    viability: dict[str, float | int | bool | str]


class TaxonomyTerm(Model):
    value: str
    slug: str
    page_title: str


class Taxonomy(Model):
    attribute: str
    slug: str
    name: str
    hierarchical: bool
    terms: list[TaxonomyTerm]


class PagePlan(Model):
    title: str
    slug: str
    kind: PageKind
    content_type: ContentType
    structure: Structure
    cluster: str | None
    priority_phase: int = Field(ge=1, le=4)
    target_keywords: list[str]
    attribute_values: dict[str, str] = Field(default_factory=dict)


class LinkPlan(Model):
    source: str
    target: str
    link_type: LinkType


class HealthComponent(Model):
    name: str
    weight: int
    score: float
    detail: str


class Health(Model):
    score: float = Field(ge=0, le=100)
    components: list[HealthComponent]


class Blueprint(Model):
    id: int | None = None
    site_id: int | None = None
    version: int = 1
    status: BlueprintStatus = "draft"
    site_type: SiteType
    industry: str
    sectors: list[str]
    business: dict[str, list[str] | str] = Field(default_factory=dict)
    attributes: list[Attribute]
    clusters: list[Cluster]
    taxonomy: list[Taxonomy]
    pages: list[PagePlan]
    link_map: list[LinkPlan]
    health: Health
    keyword_count: int
    notes: list[str] = Field(default_factory=list)
