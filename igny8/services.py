"""The services of one process, built once from Settings: the database, the model gateway, the embedder,
the catalog and the agents. Every graph's context is made from here; Ray workers build their own from the
Settings object they receive (secrets intact) and the database URL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property

from igny8.agents.architect import ArchitectAgent
from igny8.agents.clusterer import ClustererAgent
from igny8.agents.contracts import ClusterProposer, LinkPlacer, PageRewriter, PageWriter, SectorArchitect
from igny8.agents.linker import LinkerAgent
from igny8.agents.optimizer import OptimizerAgent
from igny8.agents.writer import WriterAgent
from igny8.catalog.loader import Catalog, load_catalog
from igny8.config import Settings
from igny8.llm.embedder import Embedder, embedder_for
from igny8.llm.gateway import ModelGateway
from igny8.memory.database import Database


@dataclass(frozen=True)
class Agents:
    """One of each agent role, on the process's gateway (and embedder for the clusterer)."""

    architect: SectorArchitect
    clusterer: ClusterProposer
    writer: PageWriter
    linker: LinkPlacer
    optimizer: PageRewriter


@dataclass
class Services:
    settings: Settings
    database: Database
    gateway: ModelGateway
    embedder: Embedder
    catalog: Catalog

    @cached_property
    def agents(self) -> Agents:
        return Agents(
            architect=ArchitectAgent(self.gateway),
            clusterer=ClustererAgent(self.embedder),
            writer=WriterAgent(self.gateway),
            linker=LinkerAgent(self.gateway),
            optimizer=OptimizerAgent(self.gateway),
        )


def build_services(settings: Settings, database: Database) -> Services:
    return Services(settings, database, ModelGateway(settings, database), embedder_for(settings), load_catalog())


@contextmanager
def open_services(settings: Settings, database: Database | None = None) -> Iterator[Services]:
    own = database is None
    db = database or Database.open(settings)
    try:
        yield build_services(settings, db)
    finally:
        if own:
            db.close()
