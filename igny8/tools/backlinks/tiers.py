"""Link tiers T1–T5 from the blueprint (SPEC §4): T1 the pillars (first-phase hubs), T2 the other hubs, T3
category (commercial) and term pages, T4 supporting articles, T5 the rest. Campaigns target T1–T3 only."""

from __future__ import annotations

from dataclasses import dataclass

from igny8.domain.blueprint import Blueprint, PagePlan

CAMPAIGN_TIERS = (1, 2, 3)


@dataclass(frozen=True, slots=True)
class TieredPage:
    slug: str
    title: str
    tier: int
    priority_phase: int
    keywords: tuple[str, ...]


def tier_of(page: PagePlan) -> int:
    if page.kind == "hub":
        return 1 if page.priority_phase == 1 else 2
    if page.kind in ("commercial", "term"):
        return 3
    if page.kind == "supporting":
        return 4
    return 5


def tiered_pages(blueprint: Blueprint) -> list[TieredPage]:
    """Every planned page with its tier, the most valuable first (tier, then priority phase, then slug)."""
    pages = [
        TieredPage(p.slug, p.title, tier_of(p), p.priority_phase, tuple(p.target_keywords)) for p in blueprint.pages
    ]
    return sorted(pages, key=lambda p: (p.tier, p.priority_phase, p.slug))


def campaign_targets(blueprint: Blueprint) -> list[TieredPage]:
    return [p for p in tiered_pages(blueprint) if p.tier in CAMPAIGN_TIERS]
