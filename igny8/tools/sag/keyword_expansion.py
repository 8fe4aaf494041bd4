"""Keyword templates × attribute values × modifiers → candidate keywords, each with its source intersection.

A keyword is kept only if it reads as a search: no leftover placeholder, no doubled word, no value
repeated, a sensible length. The reasons for dropping are counted so a template author can see them.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from igny8.domain.catalog import KeywordTemplate


class AttributeSpec(Protocol):
    """What expansion needs of an attribute (a template's AttributeSpec or a blueprint's Attribute)."""

    @property
    def slug(self) -> str: ...

    @property
    def values(self) -> list[str]: ...


PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")
MODIFIER = "modifier"
MAX_WORDS = 10
MAX_CHARS = 90


@dataclass(frozen=True, slots=True)
class CandidateKeyword:
    text: str
    intent: str
    template: str
    values: tuple[tuple[str, str], ...]  # (attribute slug, value) in pattern order
    modifier: str | None = None
    comparison: bool = False


@dataclass
class ExpansionReport:
    kept: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def drop(self, reason: str, text: str) -> None:
        self.dropped[reason] += 1
        self.examples.setdefault(reason, [])
        if len(self.examples[reason]) < 3:
            self.examples[reason].append(text)


def normalise_keyword(text: str) -> str:
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^\w\s'&+.-]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def placeholders(pattern: str) -> list[str]:
    return PLACEHOLDER.findall(pattern)


def quality_problem(text: str) -> str | None:
    """Why ``text`` would not be typed into a search box, or None."""
    if "{" in text or "}" in text:
        return "leftover placeholder"
    words = text.split()
    if len(words) > MAX_WORDS or len(text) > MAX_CHARS:
        return "too long"
    if any(a == b for a, b in itertools.pairwise(words)):
        return "doubled word"
    if len(words) < 2:
        return "single word"
    return None


def _value_choices(template: KeywordTemplate, attribute: AttributeSpec) -> list[str]:
    allowed = template.only.get(attribute.slug)
    if allowed is None:
        return list(attribute.values)
    wanted = {v.lower() for v in allowed}
    return [v for v in attribute.values if v.lower() in wanted]


def _excluded(template: KeywordTemplate, chosen: dict[str, list[str]]) -> bool:
    present = {f"{slug}={value}".lower() for slug, values in chosen.items() for value in values}
    return any(all(term.lower() in present for term in rule) for rule in template.exclude)


def expand_template(
    template: KeywordTemplate, attributes: dict[str, AttributeSpec], report: ExpansionReport | None = None
) -> Iterator[CandidateKeyword]:
    report = report if report is not None else ExpansionReport()
    names = placeholders(template.pattern)
    slugs = [n for n in names if n != MODIFIER]
    if any(slug not in attributes for slug in slugs):
        return
    modifiers: Sequence[str | None] = template.modifiers if MODIFIER in names else [None]
    distinct = list(dict.fromkeys(slugs))
    comparison = len(slugs) == 2 and len(distinct) == 1
    if comparison:
        choices = _value_choices(template, attributes[distinct[0]])
        combos: Iterator[tuple[str, ...]] = itertools.combinations(choices, 2)
    else:
        combos = itertools.product(*(_value_choices(template, attributes[s]) for s in distinct))
    for combo in combos:
        chosen: dict[str, list[str]] = {}
        for slug, value in zip(slugs if comparison else distinct, combo, strict=True):
            chosen.setdefault(slug, []).append(value)
        if _excluded(template, chosen):
            continue
        for modifier in modifiers:
            queue = {slug: list(values) for slug, values in chosen.items()}
            text = PLACEHOLDER.sub(
                lambda m, q=queue, mod=modifier: (mod or "") if m.group(1) == MODIFIER else q[m.group(1)].pop(0),
                template.pattern,
            )
            text = normalise_keyword(text)
            problem = quality_problem(text)
            if problem:
                report.drop(problem, text)
                continue
            report.kept += 1
            values = tuple((slug, value) for slug, vs in chosen.items() for value in vs)
            yield CandidateKeyword(text, template.intent, template.pattern, values, modifier, comparison)


def expand_templates(
    templates: Sequence[KeywordTemplate], attributes: Sequence[AttributeSpec], report: ExpansionReport | None = None
) -> list[CandidateKeyword]:
    by_slug = {a.slug: a for a in attributes}
    out: list[CandidateKeyword] = []
    for template in templates:
        out.extend(expand_template(template, by_slug, report))
    return out
