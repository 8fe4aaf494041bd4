"""PostgreSQL notices (LISTEN/NOTIFY) for a server process's in-memory caches: one connection listens on the
channels given and hands each notice's payload to its handler. While the connection is away a notice can be
missed, so every (re)connection calls ``on_connect`` first: the caches start over rather than trust what they
hold."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping

import psycopg

log = logging.getLogger(__name__)


async def listen(
    url: str,
    handlers: Mapping[str, Callable[[str], None]],
    on_connect: Callable[[], None],
    *,
    retry_s: float = 1.0,
) -> None:
    """Run until cancelled: ``handlers[channel](payload)`` for every notice; reconnects when the connection drops."""
    while True:
        try:
            async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
                for channel in handlers:
                    await conn.execute(f"LISTEN {channel}")
                on_connect()
                async for notice in conn.notifies():
                    handler = handlers.get(notice.channel)
                    if handler is not None:
                        handler(notice.payload)
        except asyncio.CancelledError:
            raise
        except (psycopg.Error, OSError) as exc:
            log.warning("the cache notice listener lost its connection (%s); retrying", type(exc).__name__)
            on_connect()
            await asyncio.sleep(retry_s)
