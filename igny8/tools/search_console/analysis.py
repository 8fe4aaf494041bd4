"""What the search analytics say maintenance should act on, computed from plain rows (no I/O):

* decay: a page whose clicks fell in each of three consecutive periods, by a meaningful share;
* cannibalisation: one query for which two or more of our pages each earn a real share of the impressions;
* missing pages: queries we rank for (page 1–2) that no page of the blueprint targets;
* low CTR: pages in a top position whose click-through rate is far under what that position usually earns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

PERIOD_DAYS = 28
DECAY_MIN_CLICKS = 20  # in the oldest period: below this, noise looks like decay
DECAY_MIN_DROP = 0.3  # the newest period at least 30% under the oldest
CANNIBAL_MIN_IMPRESSIONS = 50
CANNIBAL_MIN_SHARE = 0.2
MISSING_MIN_IMPRESSIONS = 100
MISSING_MAX_POSITION = 20.0
LOW_CTR_MIN_IMPRESSIONS = 200
LOW_CTR_MAX_POSITION = 5.0
LOW_CTR_SHARE = 0.5  # under half the usual CTR of its position
# The usual CTR of organic positions 1–5 (rounded from public click-through studies).
EXPECTED_CTR = {1: 0.28, 2: 0.15, 3: 0.10, 4: 0.07, 5: 0.05}


def periods(latest: date, count: int = 3) -> list[tuple[date, date]]:
    """``count`` consecutive periods of PERIOD_DAYS ending on ``latest``, oldest first."""
    ends = [latest - timedelta(days=PERIOD_DAYS * n) for n in reversed(range(count))]
    return [(end - timedelta(days=PERIOD_DAYS - 1), end) for end in ends]


def clicks_trend(previous: int, recent: int) -> float:
    """0–1: how well the latest period held the clicks of the one before (1 = held or grew)."""
    if previous <= 0:
        return 1.0 if recent > 0 else 0.0
    return min(1.0, recent / previous)


@dataclass(frozen=True, slots=True)
class QueryPageTotal:
    page_url: str
    query: str
    clicks: int
    impressions: int
    position: float


@dataclass(frozen=True, slots=True)
class PageTotal:
    page_url: str
    clicks: int
    impressions: int
    position: float

    @property
    def ctr(self) -> float:
        return self.clicks / self.impressions if self.impressions else 0.0


@dataclass(frozen=True, slots=True)
class Decay:
    page_url: str
    clicks: tuple[int, int, int]  # oldest → newest period

    @property
    def drop(self) -> float:
        return 1 - self.clicks[2] / self.clicks[0]


@dataclass(frozen=True, slots=True)
class Cannibalisation:
    query: str
    pages: tuple[tuple[str, int, float], ...]  # (page URL, impressions, position), most impressions first
    impressions: int


@dataclass(frozen=True, slots=True)
class MissingPage:
    query: str
    impressions: int
    position: float
    ranking_page: str


@dataclass(frozen=True, slots=True)
class LowCtr:
    page_url: str
    ctr: float
    expected_ctr: float
    position: float
    impressions: int


def find_decay(periods: Mapping[str, tuple[int, int, int]]) -> list[Decay]:
    """Pages whose clicks fell period after period, the newest at least DECAY_MIN_DROP under the oldest."""
    found = [
        Decay(url, clicks)
        for url, clicks in periods.items()
        if clicks[0] >= DECAY_MIN_CLICKS
        and clicks[0] > clicks[1] > clicks[2]
        and clicks[2] <= (1 - DECAY_MIN_DROP) * clicks[0]
    ]
    return sorted(found, key=lambda d: (-d.drop, d.page_url))


def find_cannibalisation(rows: Iterable[QueryPageTotal]) -> list[Cannibalisation]:
    per_query: dict[str, list[QueryPageTotal]] = defaultdict(list)
    for row in rows:
        per_query[row.query].append(row)
    found = []
    for query, pages in per_query.items():
        total = sum(p.impressions for p in pages)
        if total < CANNIBAL_MIN_IMPRESSIONS:
            continue
        competing = [p for p in pages if p.impressions / total >= CANNIBAL_MIN_SHARE]
        if len(competing) >= 2:
            competing.sort(key=lambda p: (-p.impressions, p.page_url))
            found.append(
                Cannibalisation(
                    query, tuple((p.page_url, p.impressions, round(p.position, 1)) for p in competing), total
                )
            )
    return sorted(found, key=lambda c: (-c.impressions, c.query))


def find_missing_pages(rows: Iterable[QueryPageTotal], targeted: set[str]) -> list[MissingPage]:
    """Queries with impressions and a page-1–2 position that no page targets (``targeted``: lowercase)."""
    best: dict[str, QueryPageTotal] = {}
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        totals[row.query] += row.impressions
        if row.query not in best or row.impressions > best[row.query].impressions:
            best[row.query] = row
    found = [
        MissingPage(query, totals[query], round(row.position, 1), row.page_url)
        for query, row in best.items()
        if totals[query] >= MISSING_MIN_IMPRESSIONS
        and row.position <= MISSING_MAX_POSITION
        and query.strip().lower() not in targeted
    ]
    return sorted(found, key=lambda m: (-m.impressions, m.query))


def find_low_ctr(pages: Iterable[PageTotal]) -> list[LowCtr]:
    found = []
    for page in pages:
        if page.impressions < LOW_CTR_MIN_IMPRESSIONS or page.position > LOW_CTR_MAX_POSITION:
            continue
        expected = EXPECTED_CTR[max(1, min(5, round(page.position)))]
        if page.ctr < LOW_CTR_SHARE * expected:
            found.append(LowCtr(page.page_url, round(page.ctr, 4), expected, round(page.position, 1), page.impressions))
    return sorted(found, key=lambda p: (-p.impressions, p.page_url))
