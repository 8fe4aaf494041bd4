"""Ideas, tasks, content and images of the pipeline. Every insert is idempotent on its natural key, so a
re-run after a crash adds nothing twice."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from igny8.domain.blueprint import PagePlan
from igny8.memory.published_repo import PUBLISHED_CONDITION


def insert_idea(
    conn: psycopg.Connection, *, site_id: int, blueprint_id: int, cluster_id: int | None, page: PagePlan
) -> bool:
    """An idea for one planned page, keyed by the page's slug within the blueprint (added once)."""
    cur = conn.execute(
        "INSERT INTO ideas (site_id, blueprint_id, cluster_id, idea_key, kind, title, content_type, structure,"
        " priority_phase, target_keywords) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (blueprint_id, idea_key) DO NOTHING",
        (site_id, blueprint_id, cluster_id, page.slug, page.kind, page.title, page.content_type, page.structure)
        + (page.priority_phase, Jsonb(page.target_keywords)),
    )
    return cur.rowcount == 1


def ideas_without_task(conn: psycopg.Connection, *, blueprint_id: int) -> list[dict[str, Any]]:
    return conn.execute(
        "SELECT i.* FROM ideas i LEFT JOIN tasks t ON t.idea_id = i.id WHERE i.blueprint_id = %s AND t.id IS NULL"
        " ORDER BY i.priority_phase, i.id",
        (blueprint_id,),
    ).fetchall()


def insert_task(conn: psycopg.Connection, *, idea_id: int, site_id: int, brief: dict[str, Any]) -> bool:
    cur = conn.execute(
        "INSERT INTO tasks (idea_id, site_id, brief) VALUES (%s, %s, %s) ON CONFLICT (idea_id) DO NOTHING",
        (idea_id, site_id, Jsonb(brief)),
    )
    return cur.rowcount == 1


def tasks_without_content(conn: psycopg.Connection, *, blueprint_id: int) -> list[int]:
    rows = conn.execute(
        "SELECT t.id FROM tasks t JOIN ideas i ON i.id = t.idea_id LEFT JOIN content c ON c.task_id = t.id"
        " WHERE i.blueprint_id = %s AND c.id IS NULL ORDER BY i.priority_phase, i.id",
        (blueprint_id,),
    ).fetchall()
    return [r["id"] for r in rows]


def get_task(conn: psycopg.Connection, task_id: int) -> dict[str, Any]:
    row = conn.execute("SELECT * FROM tasks WHERE id = %s", (task_id,)).fetchone()
    if row is None:
        raise LookupError(f"task {task_id} not found")
    return row


def insert_content(
    conn: psycopg.Connection,
    *,
    task_id: int,
    site_id: int,
    title: str,
    slug: str,
    html: str,
    meta: dict[str, Any],
    embedding: Any,
) -> int | None:
    row = conn.execute(
        "INSERT INTO content (task_id, site_id, title, slug, html, meta, embedding) VALUES (%s, %s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (task_id) DO NOTHING RETURNING id",
        (task_id, site_id, title, slug, html, Jsonb(meta), embedding),
    ).fetchone()
    if row is not None:
        conn.execute("UPDATE tasks SET status = 'written' WHERE id = %s", (task_id,))
    return int(row["id"]) if row else None


def content_without_images(conn: psycopg.Connection, *, blueprint_id: int) -> list[int]:
    rows = conn.execute(
        "SELECT c.id FROM content c JOIN tasks t ON t.id = c.task_id JOIN ideas i ON i.id = t.idea_id"
        " WHERE i.blueprint_id = %s AND NOT EXISTS (SELECT 1 FROM images m WHERE m.content_id = c.id"
        " AND m.path IS NOT NULL AND m.role = 'featured') ORDER BY c.id",
        (blueprint_id,),
    ).fetchall()
    return [r["id"] for r in rows]


def content_of_blueprint(conn: psycopg.Connection, *, blueprint_id: int) -> list[dict[str, Any]]:
    return conn.execute(
        "SELECT c.*, i.idea_key, i.kind, i.priority_phase FROM content c JOIN tasks t ON t.id = c.task_id"
        " JOIN ideas i ON i.id = t.idea_id WHERE i.blueprint_id = %s ORDER BY i.priority_phase, c.id",
        (blueprint_id,),
    ).fetchall()


def upsert_image_prompt(conn: psycopg.Connection, *, content_id: int, role: str, prompt: str) -> None:
    conn.execute(
        "INSERT INTO images (content_id, role, prompt) VALUES (%s, %s, %s) ON CONFLICT (content_id, role) DO NOTHING",
        (content_id, role, prompt),
    )


def images_of(conn: psycopg.Connection, content_id: int) -> list[dict[str, Any]]:
    return conn.execute("SELECT * FROM images WHERE content_id = %s ORDER BY role", (content_id,)).fetchall()


def set_image_path(conn: psycopg.Connection, *, image_id: int, path: str) -> None:
    conn.execute("UPDATE images SET path = %s WHERE id = %s", (path, image_id))


def set_content_status(conn: psycopg.Connection, *, content_id: int, status: str, meta_update: dict[str, Any]) -> None:
    # updated_at stays: it is the date of the text (JSON-LD dateModified), not of its review.
    conn.execute(
        "UPDATE content SET status = %s, meta = meta || %s WHERE id = %s",
        (status, Jsonb(meta_update), content_id),
    )


def content_with_slug(conn: psycopg.Connection, *, site_id: int, slug: str) -> dict[str, Any] | None:
    """The site's page at ``slug`` (from any blueprint version) with the brief it was written from."""
    return conn.execute(
        "SELECT c.id, c.task_id, c.title, c.html, c.meta, c.status, t.brief FROM content c"
        " JOIN tasks t ON t.id = c.task_id WHERE c.site_id = %s AND c.slug = %s",
        (site_id, slug),
    ).fetchone()


def adopt_content(conn: psycopg.Connection, *, content_id: int, task_id: int, meta_update: dict[str, Any]) -> None:
    """A page a newer blueprint version plans with the same brief: the same row now belongs to its task."""
    conn.execute(
        "UPDATE content SET task_id = %s, meta = meta || %s, retired_in_version = NULL WHERE id = %s",
        (task_id, Jsonb(meta_update), content_id),
    )
    conn.execute("UPDATE tasks SET status = 'written' WHERE id = %s", (task_id,))


def replace_content(
    conn: psycopg.Connection,
    *,
    content_id: int,
    task_id: int,
    title: str,
    html: str,
    meta: dict[str, Any],
    embedding: Any,
) -> None:
    """Rewrite a page in place (its id, links, images and WordPress post stay); the text it replaces is kept
    as a revision, and the page goes back to draft so review sees the new text. ``pending_rewrite`` marks a
    page that may be out on the site with its old text: review judges it again instead of keeping it
    published, and publishing the new text clears the mark."""
    conn.execute(
        "INSERT INTO content_revisions (content_id, task_id, blueprint_version, title, html, meta)"
        " SELECT id, task_id, (meta->>'blueprint_version')::int, title, html, meta FROM content WHERE id = %s"
        " ON CONFLICT (content_id, task_id) DO NOTHING",
        (content_id,),
    )
    conn.execute(
        "UPDATE content SET task_id = %s, title = %s, html = %s, meta = %s || '{\"pending_rewrite\": true}'::jsonb,"
        " embedding = %s, status = 'draft',"
        " retired_in_version = NULL, updated_at = now() WHERE id = %s",
        (task_id, title, html, Jsonb(meta), embedding, content_id),
    )
    conn.execute("UPDATE tasks SET status = 'written' WHERE id = %s", (task_id,))


def flag_retired_content(
    conn: psycopg.Connection, *, site_id: int, version: int, planned_slugs: list[str]
) -> list[str]:
    """Flag (never delete) the site's pages that blueprint ``version`` no longer plans; return their slugs."""
    rows = conn.execute(
        "UPDATE content SET retired_in_version = %s WHERE site_id = %s"
        " AND NOT (slug = ANY(%s)) AND retired_in_version IS DISTINCT FROM %s RETURNING slug",
        (version, site_id, planned_slugs, version),
    ).fetchall()
    return sorted(r["slug"] for r in rows)


def retired_content(conn: psycopg.Connection, *, site_id: int) -> list[dict[str, Any]]:
    return conn.execute(
        "SELECT id, slug, title, status, retired_in_version FROM content WHERE site_id = %s"
        " AND retired_in_version IS NOT NULL ORDER BY slug",
        (site_id,),
    ).fetchall()


def content_id_of_task(conn: psycopg.Connection, task_id: int) -> int | None:
    row = conn.execute("SELECT id FROM content WHERE task_id = %s", (task_id,)).fetchone()
    return int(row["id"]) if row else None


# -- whole-site reads and writes of the later stages (linking, enhancement, optimisation, the plugin) ---------


def site_content_for_enhancement(conn: psycopg.Connection, *, site_id: int) -> list[dict[str, Any]]:
    return conn.execute(
        "SELECT id, slug, title, html, meta, created_at, updated_at FROM content WHERE site_id = %s ORDER BY id",
        (site_id,),
    ).fetchall()


def set_enhanced_html(conn: psycopg.Connection, *, content_id: int, html: str, meta_update: dict[str, Any]) -> None:
    # updated_at stays: enhancement adds a derived layer, it does not change the page's content.
    conn.execute(
        "UPDATE content SET html = %s, meta = meta || %s WHERE id = %s",
        (html, Jsonb(meta_update), content_id),
    )


def site_content_for_linking(conn: psycopg.Connection, *, site_id: int) -> list[dict[str, Any]]:
    return conn.execute(
        "SELECT id, slug, title, html, meta, embedding FROM content WHERE site_id = %s", (site_id,)
    ).fetchall()


def nearest_content_slugs(
    conn: psycopg.Connection, *, site_id: int, content_id: int, embedding: Any, limit: int
) -> list[str]:
    """Slugs of the site's other pages closest to ``embedding`` (cosine distance), nearest first."""
    rows = conn.execute(
        "SELECT slug FROM content WHERE site_id = %s AND id <> %s AND embedding IS NOT NULL"
        " ORDER BY embedding <=> %s LIMIT %s",
        (site_id, content_id, embedding, limit),
    ).fetchall()
    return [r["slug"] for r in rows]


def set_content_html(conn: psycopg.Connection, *, content_id: int, html: str) -> None:
    conn.execute("UPDATE content SET html = %s, updated_at = now() WHERE id = %s", (html, content_id))


def site_content_html(conn: psycopg.Connection, *, site_id: int) -> list[dict[str, Any]]:
    """Slug and HTML of every page of the site."""
    return conn.execute("SELECT slug, html FROM content WHERE site_id = %s", (site_id,)).fetchall()


def site_content_for_scoring(conn: psycopg.Connection, *, site_id: int) -> list[dict[str, Any]]:
    return conn.execute(
        "SELECT id, slug, title, html, meta FROM content WHERE site_id = %s ORDER BY id", (site_id,)
    ).fetchall()


def accept_optimisation(
    conn: psycopg.Connection, *, content_id: int, html: str, meta_update: dict[str, Any], entry: dict[str, Any]
) -> None:
    """Keep a rewrite: the new HTML and meta, and ``entry`` appended to the page's optimisation history."""
    conn.execute(
        "UPDATE content SET html = %s, meta = meta || %s || jsonb_build_object('optimization',"
        " coalesce(meta->'optimization', '[]'::jsonb) || %s), updated_at = now() WHERE id = %s",
        (html, Jsonb(meta_update), Jsonb([entry]), content_id),
    )


def record_optimisation_attempt(conn: psycopg.Connection, *, content_id: int, entry: dict[str, Any]) -> None:
    """A rejected rewrite: only ``entry`` is appended to the page's optimisation history."""
    conn.execute(
        "UPDATE content SET meta = meta || jsonb_build_object('optimization',"
        " coalesce(meta->'optimization', '[]'::jsonb) || %s) WHERE id = %s",
        (Jsonb([entry]), content_id),
    )


def content_queue(conn: psycopg.Connection, *, site_id: int, statuses: list[str], limit: int) -> list[dict[str, Any]]:
    """The site's content in ``statuses`` that is not out yet, for the plugin to pull, by priority phase."""
    return conn.execute(
        "SELECT c.id, c.title, c.slug, c.html, c.meta, c.status, t.id AS task_id FROM content c"
        " JOIN tasks t ON t.id = c.task_id WHERE c.site_id = %s AND c.status = ANY(%s)"
        # Never re-offer a page that is already out: published over REST (publish_records) or by the plugin.
        f" AND NOT {PUBLISHED_CONDITION}"
        " ORDER BY (c.meta->>'priority_phase')::int NULLS LAST, c.id LIMIT %s",
        (site_id, statuses, limit),
    ).fetchall()


def owned_content_ids(conn: psycopg.Connection, *, site_id: int, content_ids: list[int]) -> set[int]:
    """Which of ``content_ids`` belong to the site."""
    rows = conn.execute("SELECT id FROM content WHERE site_id = %s AND id = ANY(%s)", (site_id, content_ids)).fetchall()
    return {r["id"] for r in rows}


def mark_published_by_plugin(conn: psycopg.Connection, *, content_id: int) -> None:
    conn.execute(
        "UPDATE content SET status = 'published', meta = meta - 'pending_rewrite' WHERE id = %s", (content_id,)
    )


def cluster_ids_of_blueprint(conn: psycopg.Connection, *, blueprint_id: int) -> dict[str, int]:
    rows = conn.execute("SELECT id, slug FROM clusters WHERE blueprint_id = %s", (blueprint_id,)).fetchall()
    return {r["slug"]: r["id"] for r in rows}


def site_page(conn: psycopg.Connection, *, content_id: int, site_id: int) -> dict[str, Any] | None:
    return conn.execute(
        "SELECT id, title, slug, meta, html FROM content WHERE id = %s AND site_id = %s", (content_id, site_id)
    ).fetchone()


def site_pages_in_order(conn: psycopg.Connection, *, site_id: int) -> list[dict[str, Any]]:
    return conn.execute("SELECT title, html, meta FROM content WHERE site_id = %s ORDER BY id", (site_id,)).fetchall()
