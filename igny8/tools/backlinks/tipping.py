"""Tipping points: the day a target's Search Console position series shifts after its links went live.

PELT change-point detection (``ruptures``, L2 cost, penalty scaled to the series' noise) finds the segments;
the target has tipped when the first segment that starts after the links went live averages at least
``min_gain`` positions better than the segment before the links. A target whose links have been live for
``patience_days`` without such a shift has stopped responding: the budget moves on either way."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np
import ruptures

Verdict = Literal["tipped", "unresponsive", "building"]


@dataclass(frozen=True, slots=True)
class TippingResult:
    verdict: Verdict
    tipped_on: date | None = None
    before: float | None = None
    after: float | None = None


def detect_tipping_point(
    days: list[date],
    positions: list[float],
    *,
    links_live_on: date,
    min_gain: float = 3.0,
    patience_days: int = 60,
    today: date | None = None,
) -> TippingResult:
    if len(days) != len(positions):
        raise ValueError("days and positions must have the same length")
    today = today or (days[-1] if days else links_live_on)
    waited = (today - links_live_on).days
    if len(positions) < 10:
        return TippingResult("unresponsive" if waited >= patience_days else "building")
    signal = np.asarray(positions, dtype=float).reshape(-1, 1)
    noise = float(np.median(np.abs(np.diff(signal[:, 0])))) or 0.5
    breaks = ruptures.Pelt(model="l2", min_size=3, jump=1).fit(signal).predict(pen=3 * noise**2 * np.log(len(signal)))
    starts = [0, *breaks[:-1]]
    live_index = next((i for i, day in enumerate(days) if day >= links_live_on), len(days))
    baseline = [s for s in starts if s < live_index] or [0]
    base_start = baseline[-1]
    base_end = next((b for b in breaks if b > base_start), len(days))
    before = float(signal[base_start : min(base_end, max(live_index, base_start + 1))].mean())
    for start, end in zip(starts, breaks, strict=True):
        if start < live_index or start == base_start:
            continue
        after = float(signal[start:end].mean())
        if before - after >= min_gain:  # a lower position is better
            return TippingResult("tipped", days[start], round(before, 2), round(after, 2))
    return TippingResult("unresponsive" if waited >= patience_days else "building", None, round(before, 2))
