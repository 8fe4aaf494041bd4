"""Blueprint versions: saved whole in one transaction (snapshot plus its attributes, clusters and keywords
with embeddings), listed, read and activated. Every read is scoped by account."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import psycopg
from psycopg.types.json import Jsonb

from igny8.domain.blueprint import Blueprint
from igny8.memory.keywords import KeywordRow, insert_keywords
from igny8.memory.tenancy import NotFound, get_site


@dataclass(frozen=True, slots=True)
class BlueprintSummary:
    id: int
    site_id: int
    version: int
    status: str
    health_score: float | None
    keyword_count: int
    cluster_count: int
    created_at: datetime


def save_blueprint(
    conn: psycopg.Connection, *, account_id: int, site_id: int, blueprint: Blueprint, embeddings: dict[str, np.ndarray]
) -> Blueprint:
    """Store ``blueprint`` as the site's next draft version. Call inside one transaction."""
    get_site(conn, account_id=account_id, site_id=site_id)  # raises NotFound for another tenant's site
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (site_id,))  # versions are numbered one at a time
    row = conn.execute(
        "SELECT coalesce(max(version), 0) + 1 AS v FROM blueprints WHERE site_id = %s", (site_id,)
    ).fetchone()
    assert row is not None
    version = int(row["v"])
    stored = blueprint.model_copy(update={"site_id": site_id, "version": version, "status": "draft", "id": None})
    row = conn.execute(
        "INSERT INTO blueprints (site_id, version, status, snapshot, health_score) VALUES (%s, %s, 'draft', %s, %s)"
        " RETURNING id",
        (site_id, version, Jsonb(stored.model_dump(mode="json", exclude={"id", "status"})), stored.health.score),
    ).fetchone()
    assert row is not None
    blueprint_id = int(row["id"])
    for attribute in stored.attributes:
        conn.execute(
            'INSERT INTO attributes (blueprint_id, slug, name, level, kind, "values") VALUES (%s, %s, %s, %s, %s, %s)',
            (blueprint_id, attribute.slug, attribute.name, attribute.level, attribute.kind, Jsonb(attribute.values)),
        )
    for cluster in stored.clusters:
        crow = conn.execute(
            "INSERT INTO clusters (blueprint_id, slug, name, cluster_type, sector, attribute_values, hub_title,"
            " hub_structure) VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            (
                blueprint_id,
                cluster.slug,
                cluster.name,
                cluster.type,
                cluster.sector,
                Jsonb(cluster.attribute_values),
                cluster.hub.title,
                cluster.hub.structure,
            ),
        ).fetchone()
        assert crow is not None
        rows = [
            KeywordRow(
                text=k.text,
                intent=k.intent,
                source={"values": k.source, "template": k.template, "sector": k.sector},
                cluster_id=int(crow["id"]),
            )
            for k in cluster.keywords
        ]
        vectors = np.stack([embeddings[k.text] for k in cluster.keywords])
        insert_keywords(conn, site_id=site_id, blueprint_id=blueprint_id, keywords=rows, embeddings=vectors)
    return stored.model_copy(update={"id": blueprint_id})


def lock_site_versions(conn: psycopg.Connection, *, site_id: int) -> None:
    """Hold the lock that numbers the site's versions until the transaction ends (whoever decides whether to
    save a version, then saves it, does both under it)."""
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (site_id,))


def save_blueprint_embedding_keywords(
    conn: psycopg.Connection,
    *,
    account_id: int,
    site_id: int,
    blueprint: Blueprint,
    embed: Callable[[list[str]], np.ndarray],
) -> Blueprint:
    """``save_blueprint`` with the cluster keywords embedded by ``embed`` (an embedder's ``embed``) first."""
    texts = sorted({k.text for c in blueprint.clusters for k in c.keywords})
    vectors = embed(texts) if texts else []
    embeddings = dict(zip(texts, vectors, strict=True))
    return save_blueprint(conn, account_id=account_id, site_id=site_id, blueprint=blueprint, embeddings=embeddings)


def _from_row(row: dict) -> Blueprint:
    return Blueprint.model_validate(
        {
            **row["snapshot"],
            "id": row["id"],
            "status": row["status"],
            "version": row["version"],
            "site_id": row["site_id"],
        }
    )


def get_blueprint(conn: psycopg.Connection, *, account_id: int, site_id: int, version: int | None = None) -> Blueprint:
    """A version, or the active one when ``version`` is None."""
    get_site(conn, account_id=account_id, site_id=site_id)
    if version is None:
        row = conn.execute("SELECT * FROM blueprints WHERE site_id = %s AND status = 'active'", (site_id,)).fetchone()
        if row is None:
            raise NotFound(f"site {site_id} has no active blueprint; activate one with `igny8 blueprint activate`")
    else:
        row = conn.execute(
            "SELECT * FROM blueprints WHERE site_id = %s AND version = %s", (site_id, version)
        ).fetchone()
        if row is None:
            raise NotFound(f"site {site_id} has no blueprint version {version}")
    return _from_row(row)


def list_blueprints(conn: psycopg.Connection, *, account_id: int, site_id: int | None = None) -> list[BlueprintSummary]:
    rows = conn.execute(
        "SELECT b.id, b.site_id, b.version, b.status, b.health_score, b.created_at,"
        " (b.snapshot->>'keyword_count')::int AS keyword_count, jsonb_array_length(b.snapshot->'clusters') AS clusters"
        " FROM blueprints b JOIN sites s ON s.id = b.site_id"
        " WHERE s.account_id = %s AND (%s::bigint IS NULL OR b.site_id = %s) ORDER BY b.site_id, b.version",
        (account_id, site_id, site_id),
    ).fetchall()
    return [
        BlueprintSummary(
            r["id"],
            r["site_id"],
            r["version"],
            r["status"],
            r["health_score"],
            r["keyword_count"],
            r["clusters"],
            r["created_at"],
        )
        for r in rows
    ]


def activate_blueprint(conn: psycopg.Connection, *, account_id: int, site_id: int, version: int) -> Blueprint:
    """Make ``version`` the site's one active blueprint; the previous active one becomes superseded."""
    target = get_blueprint(conn, account_id=account_id, site_id=site_id, version=version)
    if target.status == "active":
        return target
    if target.status == "superseded":
        raise ValueError(f"version {version} is superseded; create a new version from it instead")
    conn.execute("SELECT pg_advisory_xact_lock(%s)", (site_id,))
    conn.execute("UPDATE blueprints SET status = 'superseded' WHERE site_id = %s AND status = 'active'", (site_id,))
    conn.execute(
        "UPDATE blueprints SET status = 'active', activated_at = now() WHERE site_id = %s AND version = %s",
        (site_id, version),
    )
    return target.model_copy(update={"status": "active"})


def active_blueprint_version(conn: psycopg.Connection, *, site_id: int) -> int | None:
    row = conn.execute("SELECT version FROM blueprints WHERE site_id = %s AND status = 'active'", (site_id,)).fetchone()
    return row["version"] if row else None


def active_blueprint_id(conn: psycopg.Connection, *, account_id: int, site_id: int) -> int | None:
    """The id of the site's active blueprint, provided the site belongs to ``account_id``."""
    row = conn.execute(
        "SELECT b.id FROM blueprints b JOIN sites s ON s.id = b.site_id WHERE b.site_id = %s"
        " AND s.account_id = %s AND b.status = 'active'",
        (site_id, account_id),
    ).fetchone()
    return int(row["id"]) if row else None
