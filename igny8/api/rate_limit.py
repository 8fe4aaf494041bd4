"""Per-key rate limits (a token bucket per API key, per server process), answered with 429 and Retry-After."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict


class RateLimiter:
    """``rate`` requests per second per key with bursts of up to ``burst``; ``rate`` 0 turns it off.

    Each server process keeps its own buckets: with N processes (IGNY8_API_WORKERS) a key that spreads its
    requests over all of them gets up to N times the rate."""

    def __init__(self, rate: float, burst: int, *, max_keys: int = 100_000) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.max_keys = max_keys
        self._buckets: OrderedDict[int, tuple[float, float]] = OrderedDict()  # key id → (tokens, at)
        self._lock = threading.Lock()

    def retry_after(self, key_id: int) -> int:
        """0 when the request may go ahead (and is counted); otherwise whole seconds to wait."""
        if self.rate <= 0:
            return 0
        now = time.monotonic()
        with self._lock:
            tokens, at = self._buckets.pop(key_id, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.rate)
            allowed = tokens >= 1.0
            if allowed:
                tokens -= 1.0
            self._buckets[key_id] = (tokens, now)
            while len(self._buckets) > self.max_keys:
                self._buckets.popitem(last=False)
        return 0 if allowed else max(1, math.ceil((1.0 - tokens) / self.rate))
