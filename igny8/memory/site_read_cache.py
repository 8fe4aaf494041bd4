"""What the WordPress plugin polls (the active blueprint's reference, the content queue), kept in memory per
server process and per site. A committed change to a site's blueprints, content or publication records sends
a notice (migration 0016); the listener (``igny8.memory.notices``) calls ``forget(site_id)`` and the next read
goes to the database. ``ttl_s`` bounds how long an answer is reused should a notice be lost.

A read that started before a change must not store what it read after the change was announced: each site
has a generation, taken before the read and checked when the answer is stored."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable

SITE_READS_CHANNEL = "igny8_site_reads"
MISS = object()


class SiteReadCache:
    """(site id, what was read) → answer, for ``ttl_s`` seconds, at most ``max_sites`` sites (the least recently
    stored go first). ``ttl_s`` 0 turns it off."""

    def __init__(self, ttl_s: float, *, max_sites: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.max_sites = max_sites
        self._sites: OrderedDict[int, dict[Hashable, tuple[float, object]]] = OrderedDict()
        self._generations: dict[int, int] = {}
        self._epoch = 0  # bumped by clear(): answers read before it are not stored
        self._lock = threading.Lock()

    def generation(self, site_id: int) -> tuple[int, int]:
        """Take this before reading the database; hand it to ``put``."""
        with self._lock:
            return self._epoch, self._generations.get(site_id, 0)

    def get(self, site_id: int, what: Hashable) -> object:
        """The stored answer, or ``MISS``."""
        if self.ttl_s <= 0:
            return MISS
        with self._lock:
            found = self._sites.get(site_id, {}).get(what)
        if found is None or found[0] < time.monotonic():
            return MISS
        return found[1]

    def put(self, site_id: int, what: Hashable, answer: object, generation: tuple[int, int]) -> None:
        """Store ``answer`` unless the site changed (or everything was cleared) since ``generation`` was taken."""
        if self.ttl_s <= 0:
            return
        with self._lock:
            if generation != (self._epoch, self._generations.get(site_id, 0)):
                return
            entries = self._sites.pop(site_id, {})
            entries[what] = (time.monotonic() + self.ttl_s, answer)
            self._sites[site_id] = entries
            while len(self._sites) > self.max_sites:
                self._sites.popitem(last=False)

    def forget(self, site_id: int) -> None:
        with self._lock:
            self._sites.pop(site_id, None)
            self._generations[site_id] = self._generations.get(site_id, 0) + 1

    def on_notice(self, payload: str) -> None:
        """A notice's payload is the site id; anything else (never sent by the migration) clears everything."""
        if payload.isdigit():
            self.forget(int(payload))
        else:
            self.clear()

    def clear(self) -> None:
        with self._lock:
            self._sites.clear()
            self._generations.clear()
            self._epoch += 1
