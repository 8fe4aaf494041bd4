"""Wiring: one place that turns Settings into the database, model gateway, embedder and catalog."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from igny8.catalog.loader import Catalog, load_catalog
from igny8.config import Settings
from igny8.llm.embedder import Embedder, embedder_for
from igny8.llm.gateway import ModelGateway
from igny8.memory.database import Database


@dataclass
class Runtime:
    settings: Settings
    database: Database
    gateway: ModelGateway
    embedder: Embedder
    catalog: Catalog


@contextmanager
def open_runtime(settings: Settings, database: Database | None = None) -> Iterator[Runtime]:
    own = database is None
    db = database or Database.open(settings)
    try:
        yield Runtime(settings, db, ModelGateway(settings, db), embedder_for(settings), load_catalog())
    finally:
        if own:
            db.close()
