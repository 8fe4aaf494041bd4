"""LangGraph's PostgreSQL checkpointer and long-term store, on the application database."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol

import psycopg
from langgraph.checkpoint.postgres import PostgresSaver
from langgraph.store.postgres import PostgresStore
from psycopg.rows import dict_row

from igny8.memory.database import Database


class TextEmbedder(Protocol):
    """What the store needs of an embedder (memory/ stays below llm/: it imports nothing from there)."""

    dimension: int

    def embed(self, texts: list[str]) -> Any: ...


def _langgraph_connection(url: str) -> psycopg.Connection:
    # LangGraph needs autocommit and dict rows on a connection of its own.
    return psycopg.connect(url, autocommit=True, prepare_threshold=0, row_factory=dict_row)


@contextmanager
def open_checkpointer(database: Database | str) -> Iterator[PostgresSaver]:
    """A set-up PostgresSaver; graph state survives the process. Given the Database, the saver borrows
    connections from its checkpoint pool; given a bare URL (a script with no Database), it opens its own."""
    if isinstance(database, Database):
        saver = PostgresSaver(database.checkpoint_pool)  # type: ignore[arg-type]
        saver.setup()
        yield saver
        return
    with _langgraph_connection(database) as conn:
        saver = PostgresSaver(conn)  # type: ignore[arg-type]
        saver.setup()
        yield saver


@contextmanager
def open_store(url: str, embedder: TextEmbedder | None = None) -> Iterator[PostgresStore]:
    """The long-term store; with an embedder, items are searchable by meaning (pgvector)."""
    with _langgraph_connection(url) as conn:
        index = None
        if embedder is not None:
            index = {
                "dims": embedder.dimension,
                "embed": lambda texts: embedder.embed(list(texts)).tolist(),
                "fields": ["text"],
            }
        store = PostgresStore(conn, index=index)  # type: ignore[arg-type]
        store.setup()
        yield store
