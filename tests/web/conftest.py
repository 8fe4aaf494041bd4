"""The web app's fixtures: the API (with the web app mounted) on a module's database, tenants with keys."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from igny8.api.app import create_app
from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.llm.embedder import FakeEmbedder
from igny8.llm.gateway import ModelGateway
from igny8.memory.api_keys import issue_key
from igny8.memory.database import Database
from igny8.memory.tenancy import create_account, create_site
from igny8.services import Services


@pytest.fixture(scope="module")
def web_runtime(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Services:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("web"), embedder="fake", default_model="igny8-fake/lorem", environment="test"
    )
    return Services(settings, database, ModelGateway(settings, database), FakeEmbedder(), load_catalog())


@pytest.fixture(scope="module")
def web(web_runtime: Services) -> Iterator[TestClient]:
    with TestClient(create_app(web_runtime), follow_redirects=False) as client:
        yield client


def new_account(runtime: Services, name: str, *, with_site: bool = False) -> dict:
    """An account with its key (and a dental site with its site key when asked)."""
    with runtime.database.connection() as conn:
        account = create_account(conn, name=name)
        found = {"account": account, "key": issue_key(conn, account_id=account, site_id=None)}
        if with_site:
            site = create_site(
                conn,
                account_id=account,
                name=f"{name} dental",
                url=None,
                site_type="local_service",
                industry="healthcare-medical",
                sectors=["dental-clinics"],
            )
            found["site"] = site.id
            found["site_key"] = issue_key(conn, account_id=account, site_id=site.id, label="site")
    return found
