"""Which pages are already out on the site: no later stage may move them back or offer them again."""

from __future__ import annotations

import psycopg

# A page is published when its status says so, when the REST publisher recorded the WordPress object it
# created (publish_records), or when the plugin confirmed it (sync_events).
PUBLISHED_CONDITION = (
    "(c.status = 'published'"
    " OR EXISTS (SELECT 1 FROM publish_records r WHERE r.content_id = c.id)"
    " OR EXISTS (SELECT 1 FROM sync_events e WHERE e.content_id = c.id AND e.kind IN ('published', 'updated')))"
)


def published_content_ids(conn: psycopg.Connection, *, site_id: int) -> set[int]:
    rows = conn.execute(
        f"SELECT c.id FROM content c WHERE c.site_id = %s AND {PUBLISHED_CONDITION}", (site_id,)
    ).fetchall()
    return {int(r["id"]) for r in rows}
