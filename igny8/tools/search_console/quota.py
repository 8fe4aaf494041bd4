"""URL Inspection's limits and order: at most 2,000 calls per property per day (Google's day runs on Pacific
time) and 600 per minute; new and changed pages first, then hubs, then the rest by priority phase; pages
not yet indexed are inspected again sooner than indexed ones."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

DAILY_LIMIT = 2_000
PER_MINUTE_LIMIT = 600
QUOTA_TIMEZONE = ZoneInfo("America/Los_Angeles")

PRIORITY_NEW_OR_CHANGED = 0
PRIORITY_HUB = 1
PRIORITY_PHASE_BASE = 1  # phase 1..4 → 2..5
PRIORITY_REST = 6

_WINDOW_S = 60.0
REINSPECT_NOT_INDEXED = timedelta(days=3)
REINSPECT_INDEXED = timedelta(days=14)


def quota_day(now: datetime) -> date:
    """The quota day ``now`` falls in (Google resets its API quotas at midnight Pacific time)."""
    return now.astimezone(QUOTA_TIMEZONE).date()


def page_priority(*, kind: str | None, phase: int | None, new_or_changed: bool) -> int:
    if new_or_changed:
        return PRIORITY_NEW_OR_CHANGED
    if kind == "hub":
        return PRIORITY_HUB
    if phase is not None and 1 <= phase <= 4:
        return PRIORITY_PHASE_BASE + phase
    return PRIORITY_REST


def next_inspection(inspected_at: datetime, *, indexed: bool) -> datetime:
    return inspected_at + (REINSPECT_INDEXED if indexed else REINSPECT_NOT_INDEXED)


class MinuteLimiter:
    """At most ``limit`` calls in any 60 s window: ``wait()`` sleeps until the next call is allowed."""

    def __init__(
        self,
        limit: int = PER_MINUTE_LIMIT,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._limit = limit
        self._clock = clock
        self._sleep = sleep
        self._calls: deque[float] = deque()
        self._lock = threading.Lock()
        self.waited_s = 0.0

    def wait(self) -> None:
        with self._lock:
            while True:
                now = self._clock()
                while self._calls and now - self._calls[0] >= _WINDOW_S:
                    self._calls.popleft()
                if len(self._calls) < self._limit:
                    self._calls.append(now)
                    return
                # A hair past the window's end (float sums can fall short of it), and never a zero pause.
                pause = max(_WINDOW_S - (now - self._calls[0]) + 1e-6, 1e-3)
                self.waited_s += pause
                self._sleep(pause)
