from collections.abc import Iterator

import pytest

from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.graphs.site_build import SiteBuildContext, build_active_site
from igny8.llm.embedder import FakeEmbedder
from igny8.llm.gateway import ModelGateway
from igny8.memory.database import Database
from igny8.memory.tenancy import create_account
from igny8.services import Services


@pytest.fixture()
def lorem_settings(data_dir, tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(data_dir=tmp_path, embedder="fake", default_model="igny8-fake/lorem", environment="test")


@pytest.fixture()
def runtime(lorem_settings: Settings, database: Database) -> Iterator[Services]:
    yield Services(lorem_settings, database, ModelGateway(lorem_settings, database), FakeEmbedder(), load_catalog())


@pytest.fixture()
def active_site(runtime: Services) -> tuple[int, int]:
    """(account id, site id) of a dental site with an active blueprint."""
    with runtime.database.connection() as conn:
        account = create_account(conn, name="pipeline tenant")
    context = SiteBuildContext.of(runtime)
    site = build_active_site(
        context,
        account_id=account,
        industry="healthcare-medical",
        sectors=["dental-clinics"],
        site_type="local_service",
        site_name="Bright Smile",
    )
    return account, site
