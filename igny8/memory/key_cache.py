"""A short-lived cache of API key lookups, per server process. A revocation anywhere (``revoke_site_keys``
sends NOTIFY on commit) clears it in every process that listens (``igny8.memory.notices``); the time limit
bounds how long a revoked key can still pass where the notice is lost (a listener reconnecting)."""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict

from igny8.memory.api_keys import Principal

_MISS = object()


class KeyCache:
    """Key digest → principal (or None for a key that did not authenticate), kept ``ttl_s`` seconds,
    at most ``max_entries`` (the oldest go first). ``ttl_s`` 0 turns it off."""

    def __init__(self, ttl_s: float, max_entries: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.max_entries = max_entries
        self._entries: OrderedDict[bytes, tuple[float, Principal | None]] = OrderedDict()
        self._lock = threading.Lock()
        self.cleared = 0

    @staticmethod
    def _digest(key: str) -> bytes:
        return hashlib.sha256(key.encode()).digest()

    def get(self, key: str) -> Principal | None | object:
        """The cached principal (None: a refused key), or ``MISS``."""
        if self.ttl_s <= 0:
            return _MISS
        digest = self._digest(key)
        with self._lock:
            found = self._entries.get(digest)
            if found is None:
                return _MISS
            if found[0] < time.monotonic():
                del self._entries[digest]
                return _MISS
            return found[1]

    def put(self, key: str, principal: Principal | None) -> None:
        if self.ttl_s <= 0:
            return
        with self._lock:
            self._entries[self._digest(key)] = (time.monotonic() + self.ttl_s, principal)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.cleared += 1


MISS = _MISS
