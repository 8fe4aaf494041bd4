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


def _type_rules(node: dict[str, Any], kind: str) -> list[SchemaIssue]:
    issues: list[SchemaIssue] = []
    if kind == "Article":
        if len(str(node.get("headline", ""))) > MAX_HEADLINE:
            issues.append(SchemaIssue(kind, "error", f"headline is longer than {MAX_HEADLINE} characters"))
        author = node.get("author")
        if author and not (
            isinstance(author, dict) and author.get("name") and author.get("@type") in {"Person", "Organization"}
        ):
            issues.append(SchemaIssue(kind, "error", "author must be a Person or Organization with a name"))
        for field in ("datePublished", "dateModified"):
            if field in node and not re.match(r"^\d{4}-\d{2}-\d{2}", str(node[field])):
                issues.append(SchemaIssue(kind, "error", f"{field} must be an ISO 8601 date"))
    elif kind == "FAQPage":
        questions = node.get("mainEntity")
        if not isinstance(questions, list) or not questions:
            issues.append(SchemaIssue(kind, "error", "mainEntity must list at least one Question"))
        else:
            for q in questions:
                answer = q.get("acceptedAnswer") if isinstance(q, dict) else None
                if not (
                    isinstance(q, dict)
                    and q.get("@type") == "Question"
                    and q.get("name")
                    and isinstance(answer, dict)
                    and answer.get("@type") == "Answer"
                    and answer.get("text")
                ):
                    issues.append(SchemaIssue(kind, "error", "each Question needs a name and an Answer with text"))
                    break
    elif kind == "HowTo":
        steps = node.get("step")
        if not isinstance(steps, list) or len(steps) < 2:
            issues.append(SchemaIssue(kind, "error", "step must list at least two HowToStep"))
        elif any(not (isinstance(s, dict) and s.get("@type") == "HowToStep" and s.get("text")) for s in steps):
            issues.append(SchemaIssue(kind, "error", "each step needs @type HowToStep and text"))
    elif kind in {"BreadcrumbList", "ItemList"}:
        issues += _check_list_items(node, kind)
    elif kind == "Product":
        offers = node.get("offers")
        if offers is not None and not (
            isinstance(offers, dict) and offers.get("price") is not None and offers.get("priceCurrency")
        ):
            issues.append(SchemaIssue(kind, "error", "offers needs price and priceCurrency"))
    elif kind == "LocalBusiness":
        address = node.get("address")
        if address is not None and not (isinstance(address, dict) and address.get("@type") == "PostalAddress"):
            issues.append(SchemaIssue(kind, "error", "address must be a PostalAddress"))
    elif kind == "Service":
        provider = node.get("provider")
        if provider is not None and not (isinstance(provider, dict) and provider.get("name")):
            issues.append(SchemaIssue(kind, "error", "provider must name an Organization or LocalBusiness"))
    if kind in {"Organization", "CollectionPage"} and "url" in node and not _is_url(node["url"]):
        issues.append(SchemaIssue(kind, "error", "url must be an absolute or root-relative URL"))
    return issues


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
