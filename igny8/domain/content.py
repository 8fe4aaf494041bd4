"""What moves between the pipeline's stages: a page's brief (stored with its task) and its metadata (stored
with its content row). TypedDicts, because both live as JSON in PostgreSQL and are read by key; they are
validated with pydantic where they come back from storage (``read_brief``), so a malformed row fails there
with the field named, not deep inside the writer."""

from __future__ import annotations

from typing import Any, Literal, NotRequired

from pydantic import TypeAdapter
from typing_extensions import TypedDict

PageKind = Literal["hub", "supporting", "term", "commercial"]


class ClusterRef(TypedDict):
    slug: str
    name: str
    type: str


class RelatedPage(TypedDict):
    slug: str
    title: str
    link_type: str


class ComparisonRow(TypedDict):
    aspect: str
    cells: list[str]  # one per compared value, in order


class Brief(TypedDict):
    """Stage 3's output, the writer's input: everything the page should say, from the blueprint."""

    title: str
    slug: str
    kind: PageKind
    content_type: str
    structure: str
    priority_phase: int
    cluster: ClusterRef | None
    target_keywords: list[str]
    topic: str
    outline: list[str]
    questions: list[str]
    related: list[RelatedPage]
    specs: dict[str, str]
    steps: list[str]
    compared: list[str]
    comparison_rows: NotRequired[list[ComparisonRow]]
    attribute_options: dict[str, list[str]]
    site_type: str
    blueprint_version: int


class PageMeta(TypedDict, total=False):
    """A content row's metadata, as the content stage writes it (later stages add review, schema, ...)."""

    meta_description: str
    word_count: int
    sections: list[str]
    omitted_sections: dict[str, str]
    steps_source: Literal["brief", "none"]
    faq: list[dict[str, str]]
    target_keywords: list[str]
    structure: str
    content_type: str
    kind: PageKind
    priority_phase: int
    cluster: str | None
    cluster_name: str | None
    cluster_type: str | None
    blueprint_version: int
    tokens: int


_BRIEF = TypeAdapter(Brief)


def read_brief(stored: Any) -> Brief:
    """A brief as stored with its task, validated (pydantic): the edge between storage and the writer."""
    return _BRIEF.validate_python(stored)
