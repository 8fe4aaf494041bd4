"""Every earlier schema version, with data in it, upgrades to the current one and keeps that data."""

from __future__ import annotations

import psycopg
import pytest
from psycopg.rows import dict_row

from igny8.memory.migrations import apply_migrations, migration_files

VERSIONS = [version for version, _ in migration_files()]

# Rows a database of that version (or later) holds, written with the SQL of that version's schema.
SEEDS: dict[str, list[str]] = {
    "0001_foundation": [
        "INSERT INTO accounts (id, name) VALUES (1, 'Bright Smile tenant')",
        "INSERT INTO sites (id, account_id, name, url, site_type, industry)"
        " VALUES (1, 1, 'Bright Smile', 'https://brightsmile.example', 'local_service', 'healthcare-medical')",
        "INSERT INTO site_sectors (site_id, sector, position) VALUES (1, 'dental-clinics', 1)",
        "INSERT INTO blueprints (id, site_id, version, status, snapshot) VALUES"
        " (1, 1, 1, 'active', '{\"pages\": [], \"clusters\": []}')",
        'INSERT INTO attributes (blueprint_id, slug, name, level, kind, "values")'
        " VALUES (1, 'treatment', 'Treatment', 'primary', 'service', '[\"Invisalign\", \"Veneers\"]')",
        "INSERT INTO clusters (id, blueprint_id, slug, name, cluster_type, sector, attribute_values, hub_title,"
        " hub_structure) VALUES (1, 1, 'invisalign', 'Invisalign', 'product_category', 'dental-clinics',"
        " '{\"treatment\": \"Invisalign\"}', 'Invisalign in Austin', 'guide_tutorial')",
        "INSERT INTO keywords (site_id, blueprint_id, cluster_id, text, intent, embedding)"
        " VALUES (1, 1, 1, 'invisalign cost', 'commercial', array_fill(0.5, ARRAY[384])::vector)",
        "INSERT INTO ideas (id, site_id, blueprint_id, cluster_id, idea_key, kind, title, content_type, structure,"
        " priority_phase) VALUES (1, 1, 1, 1, 'hub:invisalign', 'hub', 'Invisalign', 'page', 'guide_tutorial', 1),"
        " (2, 1, 1, 1, 'sup:cost', 'supporting', 'Invisalign Cost', 'post', 'guide_tutorial', 2)",
        "INSERT INTO tasks (id, idea_id, site_id, brief, status) VALUES (1, 1, 1, '{}', 'written'),"
        " (2, 2, 1, '{}', 'written')",
        "INSERT INTO content (id, task_id, site_id, title, slug, html, status) VALUES"
        " (1, 1, 1, 'Invisalign', 'invisalign', '<p>Clear aligners.</p>', 'approved'),"
        " (2, 2, 1, 'Invisalign Cost', 'invisalign-cost', '<p>What it costs.</p>', 'review')",
        "INSERT INTO links (site_id, source_content_id, target_content_id, link_type, anchor, score)"
        " VALUES (1, 2, 1, 'hub', 'Invisalign', 0.9)",
        "INSERT INTO images (content_id, role, prompt, path) VALUES (1, 'featured', 'aligners', 'img/1.svg')",
        "INSERT INTO pipeline_runs (site_id, blueprint_id, status) VALUES (1, 1, 'finished')",
        "INSERT INTO credit_ledger (account_id, site_id, operation, agent_role, model, prompt_tokens,"
        " completion_tokens, credits, idempotency_key) VALUES (1, 1, 'content', 'writer', 'igny8-fake/lorem',"
        " 100, 200, 3, 'seed-1')",
    ],
    "0003_publishing": [
        "INSERT INTO wordpress_connections (site_id, base_url, username, application_password_secret)"
        " VALUES (1, 'https://brightsmile.example', 'admin', 'abcd efgh ijkl mnop')",
        "INSERT INTO publish_records (content_id, site_id, wp_id, wp_type, payload_hash)"
        " VALUES (1, 1, 42, 'pages', 'hash-1')",
    ],
    "0004_service": [
        "INSERT INTO health_history (site_id, blueprint_id, score, components) VALUES (1, 1, 71.5, '[]')",
        "INSERT INTO maintenance_schedules (site_id, every_hours, tasks, next_run_at)"
        " VALUES (1, 168, '[\"health\"]', now())",
    ],
}
KEPT_TABLES = {
    "accounts": 1,
    "sites": 1,
    "blueprints": 1,
    "attributes": 1,
    "clusters": 1,
    "keywords": 1,
    "ideas": 2,
    "tasks": 2,
    "content": 2,
    "links": 1,
    "images": 1,
    "pipeline_runs": 1,
    "credit_ledger": 1,
}
KEPT_LATER = {
    "0003_publishing": {"wordpress_connections": 1, "publish_records": 1},
    "0004_service": {"health_history": 1, "maintenance_schedules": 1},
}


@pytest.fixture()
def fresh_database(pg_maintenance_url: str, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    name = f"t_upgrade_{request.node.callspec.id.replace('-', '_')}"[:60]
    with psycopg.connect(pg_maintenance_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    info = psycopg.conninfo.conninfo_to_dict(pg_maintenance_url)
    info["dbname"] = name
    with psycopg.connect(psycopg.conninfo.make_conninfo(**info), autocommit=True, row_factory=dict_row) as conn:
        yield conn
    with psycopg.connect(pg_maintenance_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.parametrize("start", VERSIONS[:-1])
def test_a_database_at_an_earlier_version_upgrades_with_its_data(fresh_database, start: str) -> None:  # type: ignore[no-untyped-def]
    conn = fresh_database
    assert apply_migrations(conn, until=start)[-1] == start
    expected = dict(KEPT_TABLES)
    for version, statements in SEEDS.items():
        if version <= start:
            for statement in statements:
                conn.execute(statement)  # type: ignore[arg-type]
            expected.update(KEPT_LATER.get(version, {}))
    applied = apply_migrations(conn)
    assert applied == [v for v in VERSIONS if v > start]
    for table, rows in expected.items():
        count = conn.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]  # type: ignore[arg-type]
        assert count == rows, f"{table}: {count} rows after upgrading from {start}, {rows} before"
    page = conn.execute("SELECT html, status FROM content WHERE slug = 'invisalign'").fetchone()
    assert page == {"html": "<p>Clear aligners.</p>", "status": "approved"}
    vector = conn.execute("SELECT embedding FROM keywords WHERE text = 'invisalign cost'").fetchone()["embedding"]
    assert vector is not None
