"""From attributes and clusters to the site's shape: taxonomy, page plan with priority phases, and the
internal-link map skeleton."""

from __future__ import annotations

import re
from collections import defaultdict

from igny8.domain.blueprint import Attribute, Cluster, LinkPlan, PagePlan, Taxonomy, TaxonomyTerm
from igny8.domain.catalog import SiteType

TOP_HUB_SHARE = 1 / 3


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80] or "page"


class _Slugs:
    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, text: str) -> str:
        base = slugify(text)
        slug, n = base, 2
        while slug in self.used:
            slug, n = f"{base}-{n}", n + 1
        self.used.add(slug)
        return slug


def plan_taxonomy(attributes: list[Attribute]) -> list[Taxonomy]:
    return [
        Taxonomy(
            attribute=a.slug,
            slug=a.slug.replace("_", "-"),
            name=a.name,
            hierarchical=a.level == "primary",
            terms=[TaxonomyTerm(value=v, slug=slugify(v), page_title=f"{v}: {a.name} Guide") for v in a.values],
        )
        for a in attributes
    ]


def _commercial(
    title: str,
    slug: str,
    structure: str,
    content_type: str = "page",
    attribute: Attribute | None = None,
    value: str | None = None,
) -> PagePlan:
    return PagePlan(
        title=title,
        slug=slug,
        kind="commercial",
        content_type=content_type,  # type: ignore[arg-type]
        structure=structure,
        cluster=None,
        priority_phase=1,  # type: ignore[arg-type]
        target_keywords=[value.lower()] if value else [],
        attribute_values={attribute.slug: value} if attribute and value else {},
    )


# Per site type: (attribute kind that gets a page per value, title form, structure, content type).
_COMMERCIAL_BY_SITE_TYPE = {
    "local_service": ("category", "{v} Services", "service_page", "page"),
    "ecommerce": ("category", "Shop {v}", "product_page", "product"),
    "saas": ("feature", "{v}", "landing_page", "page"),
}


def _commercial_pages(
    site_type: SiteType, attributes: list[Attribute], business_name: str, slugs: _Slugs
) -> list[PagePlan]:
    pages = [
        _commercial(business_name or "Home", slugs.take("home"), "landing_page"),
        _commercial(f"About {business_name}" if business_name else "About Us", slugs.take("about"), "business_page"),
    ]
    if site_type == "saas":
        pages.append(_commercial("Pricing", slugs.take("pricing"), "landing_page"))
    rule = _COMMERCIAL_BY_SITE_TYPE.get(site_type)
    if rule is None:
        return pages
    kind, title, structure, content_type = rule
    attribute = next((a for a in attributes if a.kind == kind and (kind != "category" or a.level == "primary")), None)
    if attribute is not None:
        for value in attribute.values:
            name = title.format(v=value)
            slug = slugs.take(f"features {value}" if site_type == "saas" else name)
            pages.append(_commercial(name, slug, structure, content_type, attribute, value))
    return pages


def plan_pages(
    site_type: SiteType, attributes: list[Attribute], clusters: list[Cluster], business_name: str = ""
) -> list[PagePlan]:
    slugs = _Slugs()
    pages = _commercial_pages(site_type, attributes, business_name, slugs)
    by_sector: dict[str, list[Cluster]] = defaultdict(list)
    for cluster in clusters:
        by_sector[cluster.sector].append(cluster)
    top_hubs = set()
    for members in by_sector.values():  # clusters arrive strongest first
        top_hubs |= {c.slug for c in members[: max(1, round(len(members) * TOP_HUB_SHARE))]}
    for cluster in clusters:
        supporting_targets = {k for plan in cluster.supporting for k in plan.target_keywords}
        hub_targets = [k.text for k in cluster.keywords if k.text not in supporting_targets][:6]
        pages.append(
            PagePlan(
                title=cluster.hub.title,
                slug=slugs.take(cluster.name),
                kind="hub",
                content_type="page",
                structure="cluster_hub",
                cluster=cluster.slug,
                priority_phase=1 if cluster.slug in top_hubs else 2,
                target_keywords=hub_targets,
                attribute_values=cluster.attribute_values,
            )
        )
        for index, plan in enumerate(cluster.supporting):
            phase = 2 if index == 0 and plan.structure != "comparison" else 4
            pages.append(
                PagePlan(
                    title=plan.title,
                    slug=slugs.take(plan.target_keywords[0]),
                    kind="supporting",
                    content_type="post",
                    structure=plan.structure,
                    cluster=cluster.slug,
                    priority_phase=phase,
                    target_keywords=plan.target_keywords,
                    attribute_values=cluster.attribute_values,
                )
            )
    for attribute in attributes:
        structure = (
            "category_archive"
            if attribute.kind == "category"
            else "tag_archive"
            if attribute.level == "tertiary"
            else "attribute_archive"
        )
        phase = 1 if attribute.kind == "category" and attribute.level == "primary" else 3
        for value in attribute.values:
            pages.append(
                PagePlan(
                    title=f"{value}: {attribute.name} Guide",
                    slug=slugs.take(f"{attribute.slug} {value}"),
                    kind="term",
                    content_type="taxonomy",
                    structure=structure,  # type: ignore[arg-type]
                    cluster=None,
                    priority_phase=phase,
                    target_keywords=[value.lower()],
                    attribute_values={attribute.slug: value},
                )
            )
    return pages


class _LinkMap:
    """Links without self links or repeats, in the order they were planned."""

    def __init__(self) -> None:
        self.links: list[LinkPlan] = []
        self._seen: set[tuple[str, str]] = set()

    def add(self, source: PagePlan, target: PagePlan, link_type: str) -> None:
        if source.slug != target.slug and (source.slug, target.slug) not in self._seen:
            self._seen.add((source.slug, target.slug))
            self.links.append(LinkPlan(source=source.slug, target=target.slug, link_type=link_type))  # type: ignore[arg-type]

    @property
    def targets(self) -> set[str]:
        return {link.target for link in self.links}


def _by_value(pages: list[PagePlan], kind: str) -> dict[tuple[str, str], PagePlan]:
    return {pair: p for p in pages if p.kind == kind for pair in p.attribute_values.items()}


def _link_cluster(links: _LinkMap, hub: PagePlan, members: list[PagePlan], terms: dict, commercial: dict) -> None:
    for page in members:
        links.add(hub, page, "hub_to_supporting")
        links.add(page, hub, "supporting_to_hub")
    for a, b in zip(members, members[1:] + members[:1], strict=True):
        links.add(a, b, "sibling")
    for pair in hub.attribute_values.items():
        if pair in terms:
            links.add(hub, terms[pair], "hub_to_term")
            links.add(terms[pair], hub, "term_to_hub")
        if pair in commercial:
            links.add(hub, commercial[pair], "to_commercial")
            for page in members[:1]:
                links.add(page, commercial[pair], "to_commercial")


def _link_shared_values(links: _LinkMap, hubs: list[PagePlan]) -> None:
    sharing: dict[tuple[str, str], list[PagePlan]] = defaultdict(list)
    for hub in hubs:
        for pair in hub.attribute_values.items():
            sharing[pair].append(hub)
    for group in sharing.values():
        for a, b in zip(group, group[1:], strict=False):
            links.add(a, b, "cross_cluster")
            links.add(b, a, "cross_cluster")


def _link_the_unlinked(links: _LinkMap, pages: list[PagePlan], hubs: dict, clusters: list[Cluster]) -> None:
    """Every page but the home page gets an inbound link: from a hub whose keywords use its value, else home."""
    clusters_of_value: dict[tuple[str, str], list[str]] = defaultdict(list)
    for cluster in clusters:
        for keyword in cluster.keywords:
            for slug, value in keyword.source.items():
                clusters_of_value[(slug.removesuffix("#2"), value)].append(cluster.slug)
    home = next((p for p in pages if p.slug == "home"), None)
    inbound = links.targets
    for page in pages:
        if page.slug in inbound or page is home:
            continue
        related = next(
            (hubs[c] for pair in page.attribute_values.items() for c in clusters_of_value.get(pair, []) if c in hubs),
            None,
        )
        if related is not None:
            links.add(related, page, "contextual")
        elif home is not None:
            links.add(home, page, "to_commercial")


def plan_links(pages: list[PagePlan], clusters: list[Cluster]) -> list[LinkPlan]:
    """The link skeleton the linker fills in: hub↔supporting, siblings, term↔hub, cross-cluster via a
    shared attribute value, and content → commercial page."""
    links = _LinkMap()
    hubs = {p.cluster: p for p in pages if p.kind == "hub"}
    supporting: dict[str | None, list[PagePlan]] = defaultdict(list)
    for page in pages:
        if page.kind == "supporting":
            supporting[page.cluster].append(page)
    terms, commercial = _by_value(pages, "term"), _by_value(pages, "commercial")
    for cluster_slug, hub in hubs.items():
        _link_cluster(links, hub, supporting[cluster_slug], terms, commercial)
    _link_shared_values(links, list(hubs.values()))
    _link_the_unlinked(links, pages, hubs, clusters)
    return links.links
