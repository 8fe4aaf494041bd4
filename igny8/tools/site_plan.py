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


def _commercial_pages(
    site_type: SiteType, attributes: list[Attribute], business_name: str, slugs: _Slugs
) -> list[PagePlan]:
    home = business_name or "Home"
    pages = [
        PagePlan(
            title=home,
            slug=slugs.take("home"),
            kind="commercial",
            content_type="page",
            structure="landing_page",
            cluster=None,
            priority_phase=1,
            target_keywords=[],
        ),
        PagePlan(
            title=f"About {business_name}" if business_name else "About Us",
            slug=slugs.take("about"),
            kind="commercial",
            content_type="page",
            structure="business_page",
            cluster=None,
            priority_phase=1,
            target_keywords=[],
        ),
    ]
    category = next((a for a in attributes if a.kind == "category" and a.level == "primary"), None)
    features = next((a for a in attributes if a.kind == "feature"), None)
    if site_type == "local_service" and category:
        pages += [
            PagePlan(
                title=f"{v} Services",
                slug=slugs.take(f"{v} services"),
                kind="commercial",
                content_type="page",
                structure="service_page",
                cluster=None,
                priority_phase=1,
                target_keywords=[v.lower()],
                attribute_values={category.slug: v},
            )
            for v in category.values
        ]
    elif site_type == "ecommerce" and category:
        pages += [
            PagePlan(
                title=f"Shop {v}",
                slug=slugs.take(f"shop {v}"),
                kind="commercial",
                content_type="product",
                structure="product_page",
                cluster=None,
                priority_phase=1,
                target_keywords=[v.lower()],
                attribute_values={category.slug: v},
            )
            for v in category.values
        ]
    elif site_type == "saas":
        pages.append(
            PagePlan(
                title="Pricing",
                slug=slugs.take("pricing"),
                kind="commercial",
                content_type="page",
                structure="landing_page",
                cluster=None,
                priority_phase=1,
                target_keywords=[],
            )
        )
        if features:
            pages += [
                PagePlan(
                    title=f"{v}",
                    slug=slugs.take(f"features {v}"),
                    kind="commercial",
                    content_type="page",
                    structure="landing_page",
                    cluster=None,
                    priority_phase=1,
                    target_keywords=[v.lower()],
                    attribute_values={features.slug: v},
                )
                for v in features.values
            ]
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


def plan_links(pages: list[PagePlan], clusters: list[Cluster]) -> list[LinkPlan]:
    """The link skeleton the linker fills in: hub↔supporting, siblings, term↔hub, cross-cluster via a
    shared attribute value, and content → commercial page."""
    links: list[LinkPlan] = []
    seen: set[tuple[str, str]] = set()

    def add(source: str, target: str, link_type: str) -> None:
        if source != target and (source, target) not in seen:
            seen.add((source, target))
            links.append(LinkPlan(source=source, target=target, link_type=link_type))  # type: ignore[arg-type]

    hubs = {p.cluster: p for p in pages if p.kind == "hub"}
    supporting: dict[str, list[PagePlan]] = defaultdict(list)
    for page in pages:
        if page.kind == "supporting" and page.cluster:
            supporting[page.cluster].append(page)
    terms = {(s, v): p for p in pages if p.kind == "term" for s, v in p.attribute_values.items()}
    commercial = {(s, v): p for p in pages if p.kind == "commercial" for s, v in p.attribute_values.items()}
    home = next((p for p in pages if p.slug == "home"), None)

    for cluster_slug, hub in hubs.items():
        assert cluster_slug is not None
        members = supporting[cluster_slug]
        for page in members:
            add(hub.slug, page.slug, "hub_to_supporting")
            add(page.slug, hub.slug, "supporting_to_hub")
        for a, b in zip(members, members[1:] + members[:1], strict=True):
            add(a.slug, b.slug, "sibling")
        for pair in hub.attribute_values.items():
            if pair in terms:
                add(hub.slug, terms[pair].slug, "hub_to_term")
                add(terms[pair].slug, hub.slug, "term_to_hub")
            if pair in commercial:
                add(hub.slug, commercial[pair].slug, "to_commercial")
                for page in members[:1]:
                    add(page.slug, commercial[pair].slug, "to_commercial")
    by_value: dict[tuple[str, str], list[PagePlan]] = defaultdict(list)
    for hub in hubs.values():
        for pair in hub.attribute_values.items():
            by_value[pair].append(hub)
    for sharing in by_value.values():
        for a, b in zip(sharing, sharing[1:], strict=False):
            add(a.slug, b.slug, "cross_cluster")
            add(b.slug, a.slug, "cross_cluster")
    keyword_values: dict[tuple[str, str], list[str]] = defaultdict(list)
    for cluster in clusters:
        for keyword in cluster.keywords:
            for pair in keyword.source.items():
                keyword_values[(pair[0].removesuffix("#2"), pair[1])].append(cluster.slug)
    inbound = {link.target for link in links}
    for page in pages:
        if page.slug in inbound or page is home:
            continue
        related = next(
            (hubs[c] for pair in page.attribute_values.items() for c in keyword_values.get(pair, []) if c in hubs), None
        )
        source = related or home
        if source is not None:
            add(source.slug, page.slug, "contextual" if related else "to_commercial")
    return links
