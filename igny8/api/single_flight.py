"""One read in flight per key: when a cached answer expires under load, the hundred requests that miss it at
once share one database read instead of queueing a hundred behind the pool (which showed as p99 spikes every
time the key cache or the plugin's reads expired)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class SingleFlight:
    """``await run(key, read)``: the result of a ``read()`` already running for ``key``, or of a new one. A
    waiter that is cancelled (its request timed out) leaves the read running for the others."""

    def __init__(self) -> None:
        self._running: dict[Hashable, asyncio.Future[Any]] = {}

    async def run(self, key: Hashable, read: Callable[[], Awaitable[T]]) -> T:
        running = self._running.get(key)
        if running is None:
            running = asyncio.ensure_future(read())
            self._running[key] = running
            running.add_done_callback(lambda done: self._forget(key, done))
        return await asyncio.shield(running)

    def _forget(self, key: Hashable, done: asyncio.Future[Any]) -> None:
        if self._running.get(key) is done:
            del self._running[key]
        if not done.cancelled():
            done.exception()  # retrieved: a failure no waiter awaited any more is not logged as never retrieved

    def __len__(self) -> int:
        return len(self._running)
