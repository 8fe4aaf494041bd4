"""Merge up to five sector templates into one attribute set, then fill and prune it with the business's details."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from igny8.domain.blueprint import Attribute
from igny8.domain.business import BusinessDetails
from igny8.domain.catalog import LEVELS, AttributeKind, AttributeLevel, KeywordTemplate, SectorTemplate

MAX_SECTORS = 5
MIN_VALUES, MAX_VALUES = 4, 12
MATCH_SCORE = 88


class PopulationError(ValueError):
    """The business details cannot be applied without breaking a constraint; the message says what to change."""


@dataclass
class SectorPlan:
    """One sector's keyword templates, rewritten to the merged attribute slugs."""

    sector: str
    keyword_templates: list[KeywordTemplate]


@dataclass
class AttributeSet:
    attributes: list[Attribute]
    sectors: list[SectorPlan]
    notes: list[str] = field(default_factory=list)

    def by_slug(self) -> dict[str, Attribute]:
        return {a.slug: a for a in self.attributes}


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _rename_placeholders(template: KeywordTemplate, renames: dict[str, str]) -> KeywordTemplate:
    if not renames:
        return template
    pattern = re.sub(
        r"\{([a-z][a-z0-9_]*)\}", lambda m: "{" + renames.get(m.group(1), m.group(1)) + "}", template.pattern
    )
    only = {renames.get(k, k): v for k, v in template.only.items()}
    exclude = [
        [renames.get(t.split("=", 1)[0], t.split("=", 1)[0]) + "=" + t.split("=", 1)[1] for t in rule]
        for rule in template.exclude
    ]
    return template.model_copy(update={"pattern": pattern, "only": only, "exclude": exclude})


def merge_templates(templates: list[SectorTemplate]) -> AttributeSet:
    """Union the sectors' attributes. Same slug or name and kind: values merge (the stronger level wins).
    Same slug but a different kind: the later one is renamed. A value claimed by two attributes stays
    with the first."""
    if not 1 <= len(templates) <= MAX_SECTORS:
        raise PopulationError(f"a site has 1–{MAX_SECTORS} sectors; got {len(templates)}")
    merged: list[Attribute] = []
    plans: list[SectorPlan] = []
    notes: list[str] = []
    for template in templates:
        renames: dict[str, str] = {}
        for spec in template.attributes:
            same = next((a for a in merged if (a.slug == spec.slug or _norm(a.name) == _norm(spec.name))), None)
            if same is not None and same.kind == spec.kind:
                values = list(dict.fromkeys(same.values + spec.values))
                lowered: dict[str, str] = {}
                for v in values:
                    lowered.setdefault(v.lower(), v)
                same.values = list(lowered.values())
                if LEVELS.index(spec.level) < LEVELS.index(same.level):
                    same.level = spec.level
                same.sectors.append(template.sector)
                if same.slug != spec.slug:
                    renames[spec.slug] = same.slug
                continue
            slug = spec.slug
            if same is not None or any(a.slug == slug for a in merged):
                slug = f"{spec.slug}_{len(merged)}"
                renames[spec.slug] = slug
                notes.append(
                    f"{template.sector}: attribute {spec.slug!r} conflicts with another sector's "
                    f"{spec.slug!r} of a different kind; kept as {slug!r}"
                )
            merged.append(
                Attribute(
                    slug=slug,
                    name=spec.name,
                    level=spec.level,
                    kind=spec.kind,
                    values=list(spec.values),
                    sectors=[template.sector],
                )
            )
        plans.append(
            SectorPlan(template.sector, [_rename_placeholders(k, renames) for k in template.keyword_templates])
        )
    owner: dict[str, str] = {}
    for attribute in merged:
        kept = []
        for value in attribute.values:
            if value.lower() in owner:
                notes.append(
                    f"value {value!r} is in {owner[value.lower()]} and {attribute.slug}; kept in {owner[value.lower()]}"
                )
                continue
            owner[value.lower()] = attribute.slug
            kept.append(value)
        attribute.values = kept
    for attribute in merged:
        if len(attribute.values) > MAX_VALUES:
            notes.append(
                f"attribute {attribute.slug!r} has {len(attribute.values)} values after the merge; "
                f"kept the first {MAX_VALUES}"
            )
            attribute.values = attribute.values[:MAX_VALUES]
    return AttributeSet(merged, plans, notes)


_KIND_OF_DETAIL: dict[str, AttributeKind] = {
    "products": "category",
    "services": "category",
    "brands": "brand",
    "locations": "location",
    "problems": "problem",
}
_NEW_ATTRIBUTE: dict[AttributeKind, tuple[str, str, AttributeLevel]] = {
    "category": ("offering", "Offering", "primary"),
    "brand": ("brand", "Brand", "tertiary"),
    "location": ("location", "Location", "secondary"),
    "problem": ("problem", "Problem", "secondary"),
}


def _generic_templates(kind: AttributeKind, slug: str, category_slug: str | None) -> list[KeywordTemplate]:
    """Keyword patterns for an attribute the business added, grammatical for any value of that kind."""
    if kind == "location" and category_slug:
        return [
            KeywordTemplate(pattern=f"{{{category_slug}}} in {{{slug}}}", intent="transactional"),
            KeywordTemplate(pattern=f"best {{{category_slug}}} in {{{slug}}}", intent="commercial"),
        ]
    if kind == "brand":
        return [
            KeywordTemplate(pattern=f"{{{slug}}} reviews", intent="commercial"),
            KeywordTemplate(pattern=f"{{{slug}}} vs {{{slug}}}", intent="commercial"),
        ]
    if kind == "problem":
        return [
            KeywordTemplate(pattern=f"what causes {{{slug}}}", intent="informational"),
            KeywordTemplate(pattern=f"how to deal with {{{slug}}}", intent="informational"),
        ]
    return [
        KeywordTemplate(pattern=f"best {{{slug}}}", intent="commercial"),
        KeywordTemplate(pattern=f"{{{slug}}} reviews", intent="commercial"),
    ]


def _matches(item: str, value: str) -> bool:
    return item.lower() == value.lower() or fuzz.token_sort_ratio(_norm(item), _norm(value)) >= MATCH_SCORE


def populate(attribute_set: AttributeSet, business: BusinessDetails) -> AttributeSet:
    """Fill the attributes with what the business offers and prune what it does not."""
    attributes = [a.model_copy(deep=True) for a in attribute_set.attributes]
    notes = list(attribute_set.notes)
    added_templates: list[KeywordTemplate] = []

    for value in business.exclude:
        for attribute in attributes:
            kept = [v for v in attribute.values if not _matches(value, v)]
            if len(kept) < len(attribute.values) and len(kept) < MIN_VALUES:
                raise PopulationError(
                    f"excluding {value!r} leaves attribute {attribute.name!r} with {len(kept)} values; it needs "
                    f"{MIN_VALUES}: exclude fewer values or add products/services of that kind"
                )
            attribute.values = kept

    items_by_kind: dict[AttributeKind, list[str]] = {}
    for detail, kind in _KIND_OF_DETAIL.items():
        items_by_kind.setdefault(kind, []).extend(getattr(business, detail))

    for kind, items in items_by_kind.items():
        if not items:
            continue
        targets = sorted((a for a in attributes if a.kind == kind), key=lambda a: LEVELS.index(a.level))
        if not targets:
            slug, name, level = _NEW_ATTRIBUTE[kind]
            while any(a.slug == slug for a in attributes):
                slug += "_x"
            targets = [Attribute(slug=slug, name=name, level=level, kind=kind, values=[], sectors=[])]
            attributes.append(targets[0])
            category = next((a.slug for a in attributes if a.kind == "category" and a.level == "primary"), None)
            added_templates += _generic_templates(kind, slug, category)
            notes.append(f"added attribute {name!r} ({level}) for the business's {kind} details")
        offered: dict[str, list[str]] = {t.slug: [] for t in targets}
        for item in items:
            home = next(((t, v) for t in targets for v in t.values if _matches(item, v)), None)
            if home is not None:
                offered[home[0].slug].append(home[1])
            else:
                offered[targets[0].slug].append(item)
        for target in targets:
            keep = list(dict.fromkeys(offered[target.slug]))
            if not keep:
                continue
            if len(keep) < MIN_VALUES:
                fill = [v for v in target.values if v not in keep][: MIN_VALUES - len(keep)]
                if fill:
                    notes.append(
                        f"attribute {target.name!r}: kept {', '.join(fill)} from the template to reach "
                        f"{MIN_VALUES} values; remove them in review if the business does not offer them"
                    )
                keep += fill
            if len(keep) > MAX_VALUES:
                notes.append(f"attribute {target.name!r}: {len(keep)} values offered; kept the first {MAX_VALUES}")
                keep = keep[:MAX_VALUES]
            target.values = keep
    too_few = [a for a in attributes if len(a.values) < MIN_VALUES]
    if too_few:
        names = ", ".join(f"{a.name!r} ({len(a.values)})" for a in too_few)
        raise PopulationError(
            f"attributes with fewer than {MIN_VALUES} values after applying the business details: "
            f"{names}; list at least {MIN_VALUES} items of that kind"
        )
    sectors = [SectorPlan(p.sector, p.keyword_templates + added_templates) for p in attribute_set.sectors]
    return AttributeSet(attributes, sectors, notes)
