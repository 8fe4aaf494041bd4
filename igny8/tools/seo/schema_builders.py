"""Which JSON-LD types a page gets, built from what the page and the blueprint truly state (no invented
prices, ratings or addresses: a type that would need them is left out)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborNode

from igny8.tools.seo.html_fragment import parse_fragment, text_of
from igny8.tools.seo.json_ld import CONTEXT


@dataclass(frozen=True)
class SiteFacts:
    name: str
    url: str  # absolute base URL, or "" when unknown (then URLs are root-relative)
    site_type: str
    address: dict[str, str] | None = None
    telephone: str | None = None
    same_as: list[str] = field(default_factory=list)

    def page_url(self, slug: str) -> str:
        path = "/" if slug == "home" else f"/{slug}/"
        return (self.url.rstrip("/") + path) if self.url else path


@dataclass(frozen=True)
class PageFacts:
    slug: str
    title: str
    description: str
    structure: str
    kind: str
    published: str  # ISO date
    modified: str
    image: str | None
    faq: list[tuple[str, str]]
    steps: list[str]
    list_items: list[tuple[str, str]]  # (name, slug) of pages this one lists
    breadcrumb: list[tuple[str, str]]  # (name, slug) from home to this page
    topic: str


def _organization(site: SiteFacts) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Organization",
        "name": site.name,
        "url": site.page_url("home"),
    }
    if site.same_as:
        node["sameAs"] = site.same_as
    return node


def _publisher(site: SiteFacts) -> dict[str, Any]:
    return {"@type": "Organization", "name": site.name, "url": site.page_url("home")}


def _breadcrumb(site: SiteFacts, page: PageFacts) -> dict[str, Any]:
    items = [
        {"@type": "ListItem", "position": i, "name": name, "item": site.page_url(slug)}
        for i, (name, slug) in enumerate(page.breadcrumb, start=1)
    ]
    items[-1].pop("item", None)
    return {"@context": CONTEXT, "@type": "BreadcrumbList", "itemListElement": items}


def _faq(page: PageFacts) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "@type": "FAQPage",
        "mainEntity": [
            {"@type": "Question", "name": q, "acceptedAnswer": {"@type": "Answer", "text": a}} for q, a in page.faq
        ],
    }


def _item_list(site: SiteFacts, page: PageFacts, nested: bool = False) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@type": "ItemList",
        "name": page.title,
        "numberOfItems": len(page.list_items),
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "url": site.page_url(slug)}
            for i, (name, slug) in enumerate(page.list_items, start=1)
        ],
    }
    return node if nested else {"@context": CONTEXT, **node}


def _article(site: SiteFacts, page: PageFacts) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "Article",
        "headline": page.title[:110],
        "description": page.description,
        "author": {"@type": "Organization", "name": site.name, "url": site.page_url("home")},
        "publisher": _publisher(site),
        "datePublished": page.published,
        "dateModified": page.modified,
        "mainEntityOfPage": site.page_url(page.slug),
    }
    if page.image:
        node["image"] = page.image
    return node


def _howto(page: PageFacts) -> dict[str, Any]:
    return {
        "@context": CONTEXT,
        "@type": "HowTo",
        "name": page.title,
        "description": page.description,
        "step": [
            {"@type": "HowToStep", "position": i, "name": s, "text": s} for i, s in enumerate(page.steps, start=1)
        ],
    }


def _collection(site: SiteFacts, page: PageFacts) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "CollectionPage",
        "name": page.title,
        "url": site.page_url(page.slug),
        "description": page.description,
    }
    if page.list_items:
        node["mainEntity"] = _item_list(site, page, nested=True)
    return node


def _service(site: SiteFacts, page: PageFacts) -> dict[str, Any]:
    provider: dict[str, Any] = {
        "@type": "LocalBusiness" if site.address else "Organization",
        "name": site.name,
        "url": site.page_url("home"),
    }
    if site.address:
        provider["address"] = {"@type": "PostalAddress", **site.address}
    return {
        "@context": CONTEXT,
        "@type": "Service",
        "name": page.topic,
        "serviceType": page.topic,
        "description": page.description,
        "provider": provider,
        "url": site.page_url(page.slug),
    }


def _local_business(site: SiteFacts) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "LocalBusiness",
        "name": site.name,
        "url": site.page_url("home"),
        "address": {"@type": "PostalAddress", **(site.address or {})},
    }
    if site.telephone:
        node["telephone"] = site.telephone
    return node


def build_json_ld(site: SiteFacts, page: PageFacts) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    structure = page.structure
    if page.slug == "home" or structure == "business_page":
        nodes.append(
            _local_business(site) if site.address and site.site_type == "local_service" else _organization(site)
        )
    elif structure in {"article", "guide", "comparison", "review", "listicle", "general"}:
        nodes.append(_article(site, page))
        if structure == "guide" and len(page.steps) >= 2:
            nodes.append(_howto(page))
        if structure == "listicle" and page.list_items:
            nodes.append(_item_list(site, page))
    elif structure == "service_page":
        nodes.append(_service(site, page))
        if len(page.steps) >= 2:
            nodes.append(_howto(page))
    elif structure in {
        "cluster_hub",
        "category_archive",
        "tag_archive",
        "attribute_archive",
        "product_page",
        "landing_page",
    }:
        # A product page without real offers is a listing page: Product would need prices we do not have.
        nodes.append(_collection(site, page))
    if page.faq:
        nodes.append(_faq(page))
    if len(page.breadcrumb) > 1:
        nodes.append(_breadcrumb(site, page))
    return nodes


def _next_element(node: LexborNode) -> LexborNode | None:
    sibling = node.next
    while sibling is not None and not sibling.is_element_node:
        if sibling.is_text_node and (sibling.text_content or "").strip():
            return None  # loose text between the question and its answer: not a question-answer pair
        sibling = sibling.next
    return sibling


def faq_from_html(document: str) -> list[tuple[str, str]]:
    """Question and answer pairs of the page's FAQ section (an h3 and the paragraph right after it)."""
    section = parse_fragment(document).css_first("section#faq")
    if section is None:
        return []
    pairs = []
    for question in section.css("h3"):
        answer = _next_element(question)
        if answer is not None and answer.tag == "p":
            pairs.append((text_of(question), text_of(answer)))
    return [(q, a) for q, a in pairs if q and a]


def steps_from_html(document: str, sections: tuple[str, ...] = ("steps",)) -> list[str]:
    """The steps of the page: the items of the steps section's own ordered list, and nothing else (never the
    table of contents or any other list on the page)."""
    tree = parse_fragment(document)
    for key in sections:
        for section in tree.css("section[id]"):
            if section.attributes.get("id") != key:
                continue
            ordered = next((child for child in section.iter() if child.tag == "ol"), None)
            if ordered is not None:
                return [text for text in (text_of(li) for li in ordered.iter() if li.tag == "li") if text]
    return []
