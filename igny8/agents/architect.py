"""The architect agent: designs the attribute framework of a sector the catalog has no template for.

``discover_sector_attributes`` asks the architect model for a template, checks it against the hard
constraints, sends the violations back once for repair, and refuses with every remaining violation
listed. Nothing is stored unless the template passes.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from igny8.catalog.loader import CatalogError
from igny8.catalog.validation import Violation, validate_template
from igny8.domain.catalog import AttributeSpec, Industry, KeywordTemplate, SectorInfo, SectorTemplate
from igny8.llm.gateway import Meter, ModelGateway
from igny8.llm.local_provider import PROVIDER as LOCAL_PROVIDER

Value = Annotated[str, Field(min_length=2, max_length=40)]


class DiscoveredAttribute(BaseModel):
    slug: str = Field(pattern=r"^[a-z][a-z0-9_]{1,30}$")
    name: str = Field(min_length=2, max_length=40)
    level: Literal["primary", "secondary", "tertiary"]
    kind: Literal["category", "problem", "feature", "brand", "location", "audience", "price", "use_case"]
    values: list[Value] = Field(min_length=4, max_length=12)


class DiscoveredKeywordTemplate(BaseModel):
    pattern: str = Field(min_length=5, max_length=80)
    intent: Literal["informational", "commercial", "transactional", "navigational"]


class DiscoveredTemplate(BaseModel):
    """What the architect model returns; every string and list is bounded so constrained decoding ends."""

    attributes: list[DiscoveredAttribute] = Field(min_length=5, max_length=8)
    keyword_templates: list[DiscoveredKeywordTemplate] = Field(min_length=8, max_length=30)


class TemplateRefused(ValueError):
    def __init__(self, sector: str, violations: list[Violation]) -> None:
        self.violations = violations
        listed = "\n".join(f"  - {v}" for v in violations[:20])
        super().__init__(
            f"the architect model's attribute template for {sector!r} breaks the hard constraints even after a "
            f"repair attempt:\n{listed}\nConfigure a more capable architect model (IGNY8_ARCHITECT_MODEL) or "
            "write the template yourself and pass it with --template FILE."
        )


class ArchitectUnavailable(CatalogError):
    """Only the embedded model is configured: too small to design a sector's grid. Says what to do."""

    def __init__(self, sector: str, model: str) -> None:
        super().__init__(
            f"sector {sector!r} has no attribute template, and the embedded model ({model}) is too small to "
            "design one. Either configure a capable architect model (IGNY8_ARCHITECT_MODEL=openai/gpt-4o-mini "
            "with IGNY8_MODEL_API_KEY, or a vLLM/Ollama server with IGNY8_MODEL_API_BASE), or write the template "
            "and pass it with --template FILE (start from a shipped one: `igny8 catalog template dental-clinics "
            "> my-sector.yaml`, or see examples/templates/)."
        )


SYSTEM_PROMPT = """You design the Sector Attribute Grid of a niche for an SEO site architecture.
Attributes are the dimensions a visitor browses the niche by (type of product or service, problem, audience,
feature, brand, location type, price tier). Rules:
- 2-3 primary, 2-3 secondary and 1-2 tertiary attributes, 5-8 in total; at least one primary attribute of kind category.
- 4-12 values per attribute; every value is a specific thing that can carry its own landing page; no 'Other',
  'General', 'Various'; no value repeated; at most 5 words, no punctuation.
- keyword templates are real searches with placeholders {attribute_slug} naming your attributes (one or two per
  pattern), e.g. "{treatment} cost", "how long does {treatment} take", "{treatment} for {patient_group}".
  Every primary and secondary attribute appears in at least one template; 12-30 templates; all four intents
  where they apply."""


def _to_template(industry: Industry, sector: SectorInfo, found: DiscoveredTemplate) -> SectorTemplate:
    return SectorTemplate(
        sector=sector.slug,
        industry=industry.slug,
        source="ai_generated",
        attributes=[AttributeSpec(**a.model_dump()) for a in found.attributes],
        keyword_templates=[KeywordTemplate(**k.model_dump()) for k in found.keyword_templates],
    )


class ArchitectAgent:
    def __init__(self, gateway: ModelGateway) -> None:
        self.gateway = gateway

    def discover_sector_attributes(
        self,
        industry: Industry,
        sector: SectorInfo,
        *,
        example: SectorTemplate | None = None,
        meter: Meter | None = None,
    ) -> SectorTemplate:
        model = self.gateway.model_for("architect")
        if model.startswith(f"{LOCAL_PROVIDER}/"):
            raise ArchitectUnavailable(sector.name, model)
        ask = f"Industry: {industry.name}. Sector: {sector.name}. Site types: {', '.join(sector.site_types)}."
        if example is not None:
            shown = example.model_dump(include={"attributes", "keyword_templates"})
            ask += "\nAn example for another sector of this industry:\n" + json.dumps(shown)[:3000]
        messages = [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": ask}]
        violations: list[Violation] = []
        for attempt in range(2):
            found = self.gateway.structured(
                "architect",
                messages,
                DiscoveredTemplate,
                operation="attribute_discovery",
                max_tokens=3000,
                meter=meter.part(attempt) if meter else None,
            )
            template = _to_template(industry, sector, found)
            violations = validate_template(template)
            if not violations:
                return template
            messages = [
                *messages,
                {"role": "assistant", "content": found.model_dump_json()},
                {
                    "role": "user",
                    "content": "The template breaks these rules; fix all of them and answer again:\n"
                    + "\n".join(f"- {v}" for v in violations[:30]),
                },
            ]
        raise TemplateRefused(sector.slug, violations)
