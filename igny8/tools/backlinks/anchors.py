"""The anchor plan: which anchor text each new link to a target gets, so that the target's whole anchor profile
stays natural — branded and URL anchors the majority, generic and partial-match some, exact match rare.

Each new link takes the kind that is furthest below its share in the target's profile (links already ordered
included), so the mix holds at every size, not only on average."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

# Shares of a natural profile; exact match stays rare.
ANCHOR_MIX: dict[str, float] = {"branded": 0.35, "url": 0.25, "generic": 0.15, "partial": 0.20, "exact": 0.05}
GENERIC_ANCHORS = ("this guide", "read more", "learn more here", "see the details", "this page")


@dataclass(frozen=True, slots=True)
class Anchor:
    kind: str
    text: str


def next_kind(existing: Sequence[str]) -> str:
    counts = Counter(existing)
    total = len(existing) + 1
    # The largest deficit against the target share; ties go to the safer (earlier, more natural) kind.
    return max(ANCHOR_MIX, key=lambda kind: (ANCHOR_MIX[kind] * total - counts[kind], -list(ANCHOR_MIX).index(kind)))


def anchor_text(kind: str, *, brand: str, page_url: str, keyword: str, serial: int) -> str:
    if kind == "branded":
        return brand
    if kind == "url":
        parts = urlsplit(page_url)
        return (parts.netloc + (parts.path if serial % 2 else "")).rstrip("/") or page_url
    if kind == "generic":
        return GENERIC_ANCHORS[serial % len(GENERIC_ANCHORS)]
    if kind == "partial":
        return (f"a guide to {keyword}", f"more on {keyword}", f"{keyword} explained")[serial % 3]
    return keyword


def plan_anchors(count: int, *, existing: Sequence[str], brand: str, page_url: str, keyword: str) -> list[Anchor]:
    """``count`` anchors for new links to one target whose links so far have the kinds ``existing``."""
    kinds = list(existing)
    anchors = []
    for _ in range(count):
        kind = next_kind(kinds)
        text = anchor_text(kind, brand=brand, page_url=page_url, keyword=keyword, serial=len(kinds))
        anchors.append(Anchor(kind, text))
        kinds.append(kind)
    return anchors
