"""The hard constraints of a sector attribute template (SPEC §2), checked one by one.

Every violation is reported, not just the first, so an author (or the architect agent's repair prompt)
sees everything to fix at once.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from igny8.catalog.loader import Catalog
from igny8.domain.catalog import THIN_VALUES, AttributeSpec, SectorTemplate
from igny8.tools.sag.keyword_expansion import MODIFIER, ExpansionReport, expand_templates, placeholders

LEVEL_LIMITS = {"primary": (2, 3), "secondary": (2, 3), "tertiary": (1, 2)}
TOTAL_ATTRIBUTES = (5, 8)
VALUES_PER_ATTRIBUTE = (4, 12)
KEYWORD_TEMPLATES = (8, 40)
MAX_VALUE_WORDS = 5
BAD_VALUE_CHARS = re.compile(r"[(){}\[\]/\\;:!?*<>|=]")
MIN_TEMPLATE_KEYWORDS = 320  # a single-sector site needs 300 after de-duplication and clustering
MIN_KEPT_SHARE = 0.9  # at most a tenth of a template's expansions may fail the keyword quality rules


@dataclass(frozen=True, slots=True)
class Violation:
    where: str
    problem: str
    field: str = ""  # the part of the template it is about ("attributes.2", "keyword_templates.0"), for editors

    def __str__(self) -> str:
        return f"{self.where}: {self.problem}"


def _value_problems(attribute: AttributeSpec) -> list[str]:
    problems = []
    low, high = VALUES_PER_ATTRIBUTE
    if not low <= len(attribute.values) <= high:
        problems.append(f"has {len(attribute.values)} values; needs {low}–{high}")
    seen = Counter(v.strip().lower() for v in attribute.values)
    problems += [f"value {v!r} appears {n} times" for v, n in seen.items() if n > 1]
    for value in attribute.values:
        stripped = value.strip()
        if stripped.lower() in THIN_VALUES:
            problems.append(f"value {value!r} is too thin to carry its own landing page")
        elif len(stripped) < 2 or stripped != value:
            problems.append(f"value {value!r} is empty, a single letter or has surrounding spaces")
        elif len(stripped.split()) > MAX_VALUE_WORDS:
            problems.append(f"value {value!r} is longer than {MAX_VALUE_WORDS} words")
        elif BAD_VALUE_CHARS.search(stripped):
            problems.append(f"value {value!r} contains punctuation that does not belong in a search")
    return problems


def _attribute_violations(template: SectorTemplate, where: str) -> list[Violation]:
    out: list[Violation] = []
    levels = Counter(a.level for a in template.attributes)
    for level, (low, high) in LEVEL_LIMITS.items():
        if not low <= levels[level] <= high:
            out.append(Violation(where, f"{levels[level]} {level} attributes; needs {low}–{high}", "attributes"))
    low, high = TOTAL_ATTRIBUTES
    if not low <= len(template.attributes) <= high:
        out.append(Violation(where, f"{len(template.attributes)} attributes; needs {low}–{high}", "attributes"))
    slugs = Counter(a.slug for a in template.attributes)
    out += [
        Violation(where, f"attribute slug {s!r} is used {n} times", "attributes") for s, n in slugs.items() if n > 1
    ]
    if not any(a.level == "primary" and a.kind == "category" for a in template.attributes):
        out.append(Violation(where, "no primary attribute of kind 'category' (what the business offers)", "attributes"))
    owner: dict[str, str] = {}
    for index, attribute in enumerate(template.attributes):
        field = f"attributes.{index}"
        out += [Violation(f"{where}: attribute {attribute.slug}", p, field) for p in _value_problems(attribute)]
        for value in sorted({v.strip().lower() for v in attribute.values}):
            if value in owner and owner[value] != attribute.slug:
                out.append(Violation(where, f"value {value!r} is in both {owner[value]} and {attribute.slug}", field))
            owner.setdefault(value, attribute.slug)
    return out


def _keyword_template_violations(template: SectorTemplate, where: str) -> list[Violation]:
    out: list[Violation] = []
    low, high = KEYWORD_TEMPLATES
    if not low <= len(template.keyword_templates) <= high:
        count = len(template.keyword_templates)
        out.append(Violation(where, f"{count} keyword templates; needs {low}–{high}", "keyword_templates"))
    attributes = {a.slug: a for a in template.attributes}
    used: set[str] = set()
    for number, kt in enumerate(template.keyword_templates, start=1):
        at = f"{where}: keyword template {number} {kt.pattern!r}"
        field = f"keyword_templates.{number - 1}"
        names = placeholders(kt.pattern)
        slugs = [n for n in names if n != MODIFIER]
        unknown = sorted({s for s in slugs if s not in attributes})
        if unknown:
            out.append(Violation(at, f"names unknown attributes {', '.join(unknown)}", field))
        if not slugs:
            out.append(Violation(at, "uses no attribute", field))
        distinct = set(slugs)
        if len(slugs) > 2:
            out.append(Violation(at, "uses more than two attribute placeholders", field))
        if (MODIFIER in names) != bool(kt.modifiers):
            out.append(Violation(at, "{modifier} and a modifiers list go together", field))
        if kt.modifiers and not 2 <= len(kt.modifiers) <= 5:
            out.append(Violation(at, f"has {len(kt.modifiers)} modifiers; needs 2–5", field))
        for slug, allowed in kt.only.items():
            if slug not in distinct:
                out.append(Violation(at, f"'only' names {slug!r}, which the pattern does not use", field))
            elif slug in attributes:
                values = {v.lower() for v in attributes[slug].values}
                missing = [v for v in allowed if v.lower() not in values]
                if missing:
                    out.append(Violation(at, f"'only' lists values not in {slug}: {', '.join(missing)}", field))
        for rule in kt.exclude:
            for term in rule:
                slug, _, value = term.partition("=")
                if slug not in attributes or value.lower() not in {v.lower() for v in attributes[slug].values}:
                    out.append(Violation(at, f"'exclude' term {term!r} is not attribute=value of this template", field))
        used |= distinct
    for index, attribute in enumerate(template.attributes):
        if attribute.level != "tertiary" and attribute.slug not in used:
            unused = f"{attribute.level} attribute {attribute.slug!r} is in no keyword template"
            out.append(Violation(where, unused, f"attributes.{index}"))
    return out


def _expansion_violations(template: SectorTemplate, where: str) -> list[Violation]:
    report = ExpansionReport()
    expand_templates(template.keyword_templates, template.attributes, report)
    total = report.kept + sum(report.dropped.values())
    problems = []
    if report.kept < MIN_TEMPLATE_KEYWORDS:
        problems.append(
            Violation(
                where,
                f"yields {report.kept} keywords; needs at least {MIN_TEMPLATE_KEYWORDS} "
                "(more values or search patterns)",
                "keyword_templates",
            )
        )
    if total and report.kept / total < MIN_KEPT_SHARE:
        details = "; ".join(
            f"{reason} ×{n} (e.g. {report.examples[reason][0]!r})" for reason, n in report.dropped.most_common()
        )
        problems.append(
            Violation(
                where,
                f"only {report.kept} of {total} expanded keywords read as searches: {details}",
                "keyword_templates",
            )
        )
    return problems


def validate_template(template: SectorTemplate, catalog: Catalog | None = None) -> list[Violation]:
    where = template.sector
    out = _attribute_violations(template, where) + _keyword_template_violations(template, where)
    if catalog is not None:
        try:
            entry = catalog.sector(template.sector)
            if entry.industry.slug != template.industry:
                out.append(
                    Violation(
                        where, f"industry {template.industry!r}, but the catalog lists it under {entry.industry.slug!r}"
                    )
                )
        except ValueError as exc:
            out.append(Violation(where, str(exc)))
    if not out:
        out += _expansion_violations(template, where)
    return out


def validate_catalog(catalog: Catalog, template_file_problems: list[str] | None = None) -> list[Violation]:
    out = [Violation("templates", p) for p in template_file_problems or []]
    seen: dict[str, str] = {}
    for industry in catalog.industries:
        for sector in industry.sectors:
            if sector.slug in seen:
                out.append(
                    Violation(
                        f"industry {industry.slug}", f"sector slug {sector.slug!r} is also in {seen[sector.slug]}"
                    )
                )
            seen[sector.slug] = industry.slug
        authored = sum(1 for s in industry.sectors if s.slug in catalog.templates)
        if authored < 2:
            out.append(
                Violation(f"industry {industry.slug}", f"{authored} authored sector templates; needs at least 2")
            )
    for template in catalog.templates.values():
        out += validate_template(template, catalog)
    return out
