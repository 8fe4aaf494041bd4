"""The service's async connection pool (psycopg's AsyncConnectionPool), one per server process, and the few
reads the request path makes on it: the hot reads run on the event loop without a thread per request."""

from __future__ import annotations

import psycopg
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool


def async_pool(url: str, *, max_size: int) -> AsyncConnectionPool:
    """A pool of autocommit connections (each read is one statement: no BEGIN/COMMIT round trips); open it
    with ``await pool.open()`` inside the event loop that will use it."""
    return AsyncConnectionPool(
        url,
        min_size=min(2, max_size),
        max_size=max_size,
        kwargs={"autocommit": True, "row_factory": dict_row},
        open=False,
        name="igny8-api",
    )


async def active_blueprint_ref(
    conn: psycopg.AsyncConnection, *, account_id: int, site_id: int
) -> tuple[int, int] | None:
    """(id, version) of the site's active blueprint, provided the site belongs to ``account_id``."""
    cursor = await conn.execute(
        "SELECT b.id, b.version FROM blueprints b JOIN sites s ON s.id = b.site_id"
        " WHERE b.site_id = %s AND s.account_id = %s AND b.status = 'active'",
        (site_id, account_id),
    )
    row = await cursor.fetchone()
    return (int(row["id"]), int(row["version"])) if row else None
