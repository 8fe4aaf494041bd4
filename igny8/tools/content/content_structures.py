"""The section layout of each of the 14 content structures (SPEC §3), and the brief built from a page plan.

A section is written by the writer agent (``prose``) or filled from the blueprint itself (``faq`` from the
cluster's question keywords, ``steps`` and ``specs`` from the attribute values, ``links`` from the plan).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

SectionKind = Literal["prose", "faq", "steps", "specs", "comparison_table", "list"]


@dataclass(frozen=True, slots=True)
class SectionSpec:
    key: str
    heading: str  # may use {topic}
    kind: SectionKind = "prose"


def _s(key: str, heading: str, kind: SectionKind = "prose") -> SectionSpec:
    return SectionSpec(key, heading, kind)


LAYOUTS: dict[str, tuple[SectionSpec, ...]] = {
    "article": (
        _s("intro", "Introduction"),
        _s("background", "What {topic} Means"),
        _s("details", "What to Know About {topic}"),
        _s("tips", "Practical Tips"),
        _s("faq", "Frequently Asked Questions", "faq"),
        _s("summary", "The Bottom Line"),
    ),
    "guide": (
        _s("intro", "Introduction"),
        _s("prepare", "Before You Start"),
        _s("steps", "Step by Step", "steps"),
        _s("mistakes", "Mistakes to Avoid"),
        _s("faq", "Frequently Asked Questions", "faq"),
        _s("summary", "Next Steps"),
    ),
    "comparison": (
        _s("intro", "Introduction"),
        _s("table", "{topic} at a Glance", "comparison_table"),
        _s("differences", "Key Differences"),
        _s("choose", "Which One Should You Choose?"),
        _s("faq", "Frequently Asked Questions", "faq"),
    ),
    "review": (
        _s("intro", "Overview"),
        _s("pros", "What We Like", "list"),
        _s("cons", "What Could Be Better", "list"),
        _s("verdict", "Our Verdict"),
        _s("faq", "Frequently Asked Questions", "faq"),
    ),
    "listicle": (
        _s("intro", "Introduction"),
        _s("list", "Our Top Picks", "list"),
        _s("how", "How We Chose"),
        _s("faq", "Frequently Asked Questions", "faq"),
    ),
    "landing_page": (
        _s("hero", "{topic}"),
        _s("benefits", "Why Choose Us", "list"),
        _s("how", "How It Works", "steps"),
        _s("faq", "Frequently Asked Questions", "faq"),
        _s("cta", "Get Started"),
    ),
    "business_page": (
        _s("story", "Our Story"),
        _s("values", "What We Stand For", "list"),
        _s("team", "Who We Are"),
        _s("contact", "Get in Touch"),
    ),
    "service_page": (
        _s("overview", "{topic} Overview"),
        _s("steps", "What to Expect", "steps"),
        _s("benefits", "Benefits", "list"),
        _s("pricing", "Pricing and Options"),
        _s("faq", "Frequently Asked Questions", "faq"),
        _s("cta", "Book an Appointment"),
    ),
    "general": (_s("intro", "Introduction"), _s("details", "Details"), _s("summary", "Summary")),
    "cluster_hub": (
        _s("intro", "Introduction"),
        _s("overview", "{topic}: An Overview"),
        _s("topics", "Explore the Topics", "list"),
        _s("choose", "How to Choose"),
        _s("faq", "Frequently Asked Questions", "faq"),
    ),
    "product_page": (
        _s("overview", "{topic}"),
        _s("specs", "Specifications", "specs"),
        _s("benefits", "Why Customers Choose It", "list"),
        _s("faq", "Frequently Asked Questions", "faq"),
        _s("cta", "Order Now"),
    ),
    "category_archive": (
        _s("intro", "About {topic}"),
        _s("browse", "Browse {topic}", "list"),
        _s("choose", "How to Choose"),
        _s("faq", "Frequently Asked Questions", "faq"),
    ),
    "tag_archive": (_s("intro", "About {topic}"), _s("browse", "Everything About {topic}", "list")),
    "attribute_archive": (
        _s("intro", "About {topic}"),
        _s("browse", "Related Topics", "list"),
        _s("faq", "Frequently Asked Questions", "faq"),
    ),
}


def layout_for(structure: str) -> tuple[SectionSpec, ...]:
    try:
        return LAYOUTS[structure]
    except KeyError:
        raise ValueError(
            f"no section layout for structure {structure!r}; known: {', '.join(sorted(LAYOUTS))}"
        ) from None
