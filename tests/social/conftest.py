from collections.abc import Iterator

import pytest

from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.llm.embedder import FakeEmbedder
from igny8.llm.gateway import ModelGateway
from igny8.memory.database import Database
from igny8.services import Services
from igny8.workflows.pipeline_run import run_pipeline
from tests.dental_site import new_dental_site
from tests.social.fake_networks import FakeNetwork, fake_networks


@pytest.fixture(scope="module")
def module_runtime(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("promo"),
        embedder="fake",
        default_model="igny8-fake/lorem",
        environment="test",
        social_retry_base_s=60,
    )
    yield Services(settings, database, ModelGateway(settings, database), FakeEmbedder(), load_catalog())


@pytest.fixture(scope="module")
def published_site(module_runtime: Services) -> tuple[int, int]:
    """(account, site) of a dental site with two written pages marked published."""
    account, site = new_dental_site(module_runtime)
    run_pipeline(module_runtime, account_id=account, site_id=site, limit=2, stages=["ideas", "tasks", "content"])
    with module_runtime.database.connection() as conn:
        conn.execute("UPDATE content SET status = 'published' WHERE site_id = %s", (site,))
    return account, site


@pytest.fixture()
def networks() -> Iterator[dict[str, FakeNetwork]]:
    with fake_networks() as running:
        yield running


@pytest.fixture()
def social_settings(module_runtime: Services, networks: dict[str, FakeNetwork]) -> Settings:
    return module_runtime.settings.model_copy(
        update={f"social_{name}_base_url": network.url for name, network in networks.items()}
    )
