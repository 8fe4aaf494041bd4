"""Imported keyword files (keyword_imports) and their keywords (imported_keywords), each filed under one
cluster or one proposed new cluster of a blueprint, with the search metrics the file carried."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import psycopg
from psycopg.types.json import Jsonb


@dataclass(frozen=True, slots=True)
class FiledKeyword:
    text: str
    intent: str
    cluster_slug: str | None
    proposed_cluster: str | None
    method: str
    metrics: dict[str, float | int]


def previous_import(
    conn: psycopg.Connection, *, site_id: int, blueprint_id: int, file_sha256: str
) -> dict[str, Any] | None:
    return conn.execute(
        "SELECT id, file_name, created_at, summary FROM keyword_imports"
        " WHERE site_id = %s AND blueprint_id = %s AND file_sha256 = %s",
        (site_id, blueprint_id, file_sha256),
    ).fetchone()


def filed_texts(conn: psycopg.Connection, *, site_id: int, blueprint_id: int, texts: Sequence[str]) -> set[str]:
    """Which of ``texts`` an earlier import already filed for this blueprint."""
    rows = conn.execute(
        "SELECT text FROM imported_keywords WHERE site_id = %s AND blueprint_id = %s AND text = ANY(%s)",
        (site_id, blueprint_id, list(texts)),
    ).fetchall()
    return {r["text"] for r in rows}


def record_import(
    conn: psycopg.Connection,
    *,
    site_id: int,
    blueprint_id: int,
    file_sha256: str,
    file_name: str,
    file_format: str,
    summary: dict[str, Any],
    keywords: Sequence[FiledKeyword],
    embeddings: np.ndarray,
) -> int:
    """Store the import and its keywords in the caller's transaction (all or nothing). Returns the import id."""
    row = conn.execute(
        "INSERT INTO keyword_imports (site_id, blueprint_id, file_sha256, file_name, file_format, row_count, summary)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id",
        (site_id, blueprint_id, file_sha256, file_name[:300], file_format, len(keywords), Jsonb(summary)),
    ).fetchone()
    assert row is not None
    import_id = int(row["id"])
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO imported_keywords (site_id, blueprint_id, import_id, text, intent, cluster_slug,"
            " proposed_cluster, method, metrics, embedding) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
            " ON CONFLICT (site_id, blueprint_id, text) DO NOTHING",
            [
                (
                    site_id,
                    blueprint_id,
                    import_id,
                    k.text,
                    k.intent,
                    k.cluster_slug,
                    k.proposed_cluster,
                    k.method,
                    Jsonb(k.metrics),
                    np.asarray(vector, dtype=np.float32),
                )
                for k, vector in zip(keywords, embeddings, strict=True)
            ],
        )
    return import_id


def imported_keywords(conn: psycopg.Connection, *, site_id: int, blueprint_id: int) -> list[FiledKeyword]:
    rows = conn.execute(
        "SELECT text, intent, cluster_slug, proposed_cluster, method, metrics FROM imported_keywords"
        " WHERE site_id = %s AND blueprint_id = %s ORDER BY id",
        (site_id, blueprint_id),
    ).fetchall()
    return [FiledKeyword(**r) for r in rows]
