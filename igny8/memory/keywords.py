"""Keywords with their embeddings, and nearest-neighbour search over them (pgvector HNSW, cosine)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import psycopg
from psycopg.types.json import Jsonb


@dataclass(frozen=True, slots=True)
class KeywordRow:
    text: str
    intent: str
    source: dict
    cluster_id: int | None = None


@dataclass(frozen=True, slots=True)
class Neighbour:
    id: int
    text: str
    distance: float


def insert_keywords(
    conn: psycopg.Connection,
    *,
    site_id: int,
    blueprint_id: int | None,
    keywords: Sequence[KeywordRow],
    embeddings: np.ndarray,
) -> int:
    """Store keywords (a keyword already stored for the blueprint is kept as it is). Returns rows added."""
    if len(keywords) != len(embeddings):
        raise ValueError(f"{len(keywords)} keywords but {len(embeddings)} embeddings")
    added = 0
    with conn.cursor() as cur:
        for keyword, vector in zip(keywords, embeddings, strict=True):
            cur.execute(
                "INSERT INTO keywords (site_id, blueprint_id, cluster_id, text, intent, source, embedding)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (site_id, blueprint_id, text) DO NOTHING",
                (
                    site_id,
                    blueprint_id,
                    keyword.cluster_id,
                    keyword.text,
                    keyword.intent,
                    Jsonb(keyword.source),
                    np.asarray(vector, dtype=np.float32),
                ),
            )
            added += cur.rowcount
    return added


def nearest_keywords(conn: psycopg.Connection, *, site_id: int, vector: np.ndarray, limit: int = 10) -> list[Neighbour]:
    """The ``limit`` stored keywords of ``site_id`` closest to ``vector`` by cosine distance."""
    conn.execute("SET LOCAL hnsw.ef_search = 100")
    rows = conn.execute(
        "SELECT id, text, embedding <=> %s AS distance FROM keywords"
        " WHERE site_id = %s AND embedding IS NOT NULL ORDER BY embedding <=> %s LIMIT %s",
        (np.asarray(vector, dtype=np.float32), site_id, np.asarray(vector, dtype=np.float32), limit),
    ).fetchall()
    return [Neighbour(id=r["id"], text=r["text"], distance=float(r["distance"])) for r in rows]
