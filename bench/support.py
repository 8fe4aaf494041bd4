"""Shared set-up for the benchmarks: a throw-away embedded database with a site and an active blueprint."""

from __future__ import annotations

from pathlib import Path

from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.graphs.site_build import SiteBuildContext, build_active_site
from igny8.llm.embedder import FakeEmbedder
from igny8.llm.gateway import ModelGateway
from igny8.memory.database import Database
from igny8.memory.tenancy import create_account
from igny8.services import Services


def bench_runtime(data_dir: Path, **settings: object) -> Services:
    config = Settings(data_dir=data_dir, embedder="fake", default_model="igny8-fake/lorem", **settings)  # type: ignore[arg-type]
    database = Database.open(config)
    return Services(config, database, ModelGateway(config, database), FakeEmbedder(), load_catalog())


def site_with_blueprint(runtime: Services, sector: str = "dental-clinics") -> tuple[int, int]:
    with runtime.database.connection() as conn:
        account = create_account(conn, name="bench")
    context = SiteBuildContext.of(runtime)
    site = build_active_site(
        context,
        account_id=account,
        industry="healthcare-medical",
        sectors=[sector],
        site_type="local_service",
        site_name="bench",
    )
    return account, site
