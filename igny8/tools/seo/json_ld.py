"""The ten JSON-LD types (SPEC §4), built from a page and its place in the blueprint, and our validator of
the properties search engines require and recommend for each."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

CONTEXT = "https://schema.org"
TYPES = (
    "Article",
    "Product",
    "FAQPage",
    "HowTo",
    "BreadcrumbList",
    "Organization",
    "LocalBusiness",
    "Service",
    "ItemList",
    "CollectionPage",
)

# Required: the block is invalid without them. Recommended: a warning each. (Google Search Central rich
# result documentation and schema.org expectations, kept to what a generated page can state truthfully.)
REQUIRED: dict[str, tuple[str, ...]] = {
    "Article": ("headline", "author", "datePublished"),
    "Product": ("name", "offers"),
    "FAQPage": ("mainEntity",),
    "HowTo": ("name", "step"),
    "BreadcrumbList": ("itemListElement",),
    "Organization": ("name", "url"),
    "LocalBusiness": ("name", "address"),
    "Service": ("name", "provider"),
    "ItemList": ("itemListElement",),
    "CollectionPage": ("name", "url"),
}
RECOMMENDED: dict[str, tuple[str, ...]] = {
    "Article": ("image", "dateModified", "publisher", "mainEntityOfPage", "description"),
    "Product": ("image", "description", "brand"),
    "FAQPage": (),
    "HowTo": ("description", "image", "totalTime"),
    "BreadcrumbList": (),
    "Organization": ("logo", "sameAs", "description"),
    "LocalBusiness": ("telephone", "url", "openingHours", "priceRange", "image"),
    "Service": ("serviceType", "areaServed", "description", "url"),
    "ItemList": ("name", "numberOfItems"),
    "CollectionPage": ("description", "mainEntity", "breadcrumb"),
}
MAX_HEADLINE = 110


@dataclass(frozen=True, slots=True)
class SchemaIssue:
    type: str
    severity: str  # "error" or "warning"
    message: str

    def __str__(self) -> str:
        return f"{self.type}: {self.severity}: {self.message}"


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and (value.startswith(("https://", "http://")) or value.startswith("/"))


def _check_list_items(node: dict[str, Any], kind: str) -> list[SchemaIssue]:
    issues = []
    items = node.get("itemListElement")
    if not isinstance(items, list) or not items:
        return [SchemaIssue(kind, "error", "itemListElement must be a non-empty list")]
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict) or item.get("@type") != "ListItem":
            issues.append(SchemaIssue(kind, "error", f"item {index} is not a ListItem"))
            continue
        if item.get("position") != index:
            issues.append(SchemaIssue(kind, "error", f"item {index} has position {item.get('position')!r}"))
        if kind == "BreadcrumbList":
            if not item.get("name"):
                issues.append(SchemaIssue(kind, "error", f"item {index} has no name"))
            if index < len(items) and not _is_url(item.get("item")):
                issues.append(SchemaIssue(kind, "error", f"item {index} needs an item URL"))
        elif not (_is_url(item.get("url")) or isinstance(item.get("item"), dict)):
            issues.append(SchemaIssue(kind, "error", f"item {index} needs a url or an item"))
    return issues


def _article_rules(node: dict[str, Any]) -> list[str]:
    problems = []
    if len(str(node.get("headline", ""))) > MAX_HEADLINE:
        problems.append(f"headline is longer than {MAX_HEADLINE} characters")
    author = node.get("author")
    if author and not (
        isinstance(author, dict) and author.get("name") and author.get("@type") in {"Person", "Organization"}
    ):
        problems.append("author must be a Person or Organization with a name")
    problems += [
        f"{field} must be an ISO 8601 date"
        for field in ("datePublished", "dateModified")
        if field in node and not re.match(r"^\d{4}-\d{2}-\d{2}", str(node[field]))
    ]
    return problems


def _is_question(q: Any) -> bool:
    answer = q.get("acceptedAnswer") if isinstance(q, dict) else None
    return (
        isinstance(q, dict)
        and q.get("@type") == "Question"
        and bool(q.get("name"))
        and isinstance(answer, dict)
        and answer.get("@type") == "Answer"
        and bool(answer.get("text"))
    )


def _faq_rules(node: dict[str, Any]) -> list[str]:
    questions = node.get("mainEntity")
    if not isinstance(questions, list) or not questions:
        return ["mainEntity must list at least one Question"]
    return [] if all(_is_question(q) for q in questions) else ["each Question needs a name and an Answer with text"]


def _howto_rules(node: dict[str, Any]) -> list[str]:
    steps = node.get("step")
    if not isinstance(steps, list) or len(steps) < 2:
        return ["step must list at least two HowToStep"]
    ok = all(isinstance(s, dict) and s.get("@type") == "HowToStep" and s.get("text") for s in steps)
    return [] if ok else ["each step needs @type HowToStep and text"]


def _nested_rule(field: str, test: Any, message: str) -> Any:
    """A rule for an optional nested property: when present, ``test`` must hold for it."""
    return lambda node: [] if node.get(field) is None or test(node[field]) else [message]


_RULES: dict[str, Any] = {
    "Article": _article_rules,
    "FAQPage": _faq_rules,
    "HowTo": _howto_rules,
    "Product": _nested_rule(
        "offers",
        lambda o: isinstance(o, dict) and o.get("price") is not None and o.get("priceCurrency"),
        "offers needs price and priceCurrency",
    ),
    "LocalBusiness": _nested_rule(
        "address",
        lambda a: isinstance(a, dict) and a.get("@type") == "PostalAddress",
        "address must be a PostalAddress",
    ),
    "Service": _nested_rule(
        "provider",
        lambda p: isinstance(p, dict) and p.get("name"),
        "provider must name an Organization or LocalBusiness",
    ),
    "Organization": _nested_rule("url", _is_url, "url must be an absolute or root-relative URL"),
    "CollectionPage": _nested_rule("url", _is_url, "url must be an absolute or root-relative URL"),
}


def _type_rules(node: dict[str, Any], kind: str) -> list[SchemaIssue]:
    if kind in {"BreadcrumbList", "ItemList"}:
        return _check_list_items(node, kind)
    rule = _RULES.get(kind)
    return [SchemaIssue(kind, "error", message) for message in (rule(node) if rule else [])]


def validate_json_ld(node: dict[str, Any]) -> list[SchemaIssue]:
    kind = node.get("@type")
    if kind not in TYPES:
        return [SchemaIssue(str(kind), "error", f"unsupported @type; one of {', '.join(TYPES)}")]
    issues = []
    if node.get("@context") not in (CONTEXT, "http://schema.org", "https://schema.org/"):
        issues.append(SchemaIssue(kind, "error", "@context must be https://schema.org"))
    issues += [
        SchemaIssue(kind, "error", f"missing required property {p}")
        for p in REQUIRED[kind]
        if node.get(p) in (None, "", [], {})
    ]
    issues += [
        SchemaIssue(kind, "warning", f"missing recommended property {p}")
        for p in RECOMMENDED[kind]
        if node.get(p) in (None, "", [], {})
    ]
    return issues + _type_rules(node, kind)


def is_valid(node: dict[str, Any]) -> bool:
    return not any(i.severity == "error" for i in validate_json_ld(node))


def script_tag(nodes: list[dict[str, Any]]) -> str:
    """One <script> block holding all of a page's nodes; '</' is escaped so text cannot end the script."""
    payload = json.dumps(nodes if len(nodes) > 1 else nodes[0], ensure_ascii=False, separators=(",", ":"))
    safe = payload.replace("</", "<\\/")
    return f'<script type="application/ld+json" data-igny8="schema">{safe}</script>'
