"""The IGNY8 Bridge plugin installed from its built zip on a real WordPress, beside a real IGNY8 backend.

Per module: a WordPress with the plugin (the stand-in must-use plugin removed), the backend's API under
uvicorn on 127.0.0.1 with a pipeline-built dental site, and that site's key.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.llm.embedder import FakeEmbedder
from igny8.llm.gateway import ModelGateway
from igny8.memory.api_keys import issue_key
from igny8.memory.blueprints import get_blueprint
from igny8.memory.database import Database
from igny8.services import Services
from igny8.stages.briefs import ordered_pages
from igny8.workflows.pipeline_run import run_pipeline
from tests.api.conftest import LiveServer, api_runtime, client  # noqa: F401  (shared fixtures)
from tests.dental_site import new_dental_site
from tests.wordpress.testbed import WordPressTestbed, missing_tools

REPO = Path(__file__).resolve().parents[2]
TERM_PAGES = 2  # the pipeline writes the first phase's hubs, then its term landing pages: two of those too


@pytest.fixture(scope="session")
def plugin_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The installable zip, built by `make plugin` (into a temporary folder, not dist/)."""
    target = tmp_path_factory.mktemp("plugin-zip") / "igny8-bridge.zip"
    built = subprocess.run(
        ["make", "--no-print-directory", "-s", "plugin", f"PLUGIN_ZIP={target}"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if built.returncode != 0 or not target.exists():
        pytest.fail(f"make plugin failed: {built.stderr[-2000:] or built.stdout[-2000:]}")
    return target


@pytest.fixture(scope="module")
def plugin_wordpress(tmp_path_factory: pytest.TempPathFactory, plugin_zip: Path) -> Iterator[WordPressTestbed]:
    missing = missing_tools()
    if missing:
        pytest.skip(f"the plugin's end-to-end tests need {', '.join(missing)} (make wordpress-deps installs them)")
    bed = WordPressTestbed.start(tmp_path_factory.mktemp("wordpress-plugin"))
    try:
        bed.install_plugin(plugin_zip)
        bed.run_php("update_option('blog_public', '1');")  # a public site: core's sitemap is on
        yield bed
    finally:
        bed.stop()


@dataclass
class Backend:
    runtime: Services
    url: str
    account_id: int
    site_id: int
    site_key: str

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=f"{self.url}/api/v1", headers={"X-IGNY8-API-KEY": self.site_key}, timeout=30)


@pytest.fixture(scope="module")
def backend(database: Database, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    """The IGNY8 API on 127.0.0.1 with a dental site whose first pages are written and approved."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("plugin-backend"),
        embedder="fake",
        default_model="igny8-fake/lorem",
        environment="test",
    )
    runtime = Services(settings, database, ModelGateway(settings, database), FakeEmbedder(), load_catalog())
    account, site = new_dental_site(runtime)
    with database.connection() as conn:
        order = ordered_pages(get_blueprint(conn, account_id=account, site_id=site))
    pages = next(i for i, page in enumerate(order) if page.kind == "term") + TERM_PAGES
    run_pipeline(runtime, account_id=account, site_id=site, limit=pages)
    with database.connection() as conn:
        conn.execute("UPDATE content SET status = 'approved' WHERE site_id = %s", (site,))
        key = issue_key(conn, account_id=account, site_id=site, label="wordpress plugin")
    with LiveServer(runtime) as server:
        yield Backend(runtime, server.url, account, site, key)


def secret_of(bed: WordPressTestbed) -> str:
    return bed.run_php("echo Igny8\\Bridge\\Options::secret();").strip()


def plugin_api(bed: WordPressTestbed, secret: str | None) -> httpx.Client:
    headers = {"X-IGNY8-Secret": secret} if secret is not None else {}
    return httpx.Client(base_url=f"{bed.base_url}/wp-json/igny8/v1", headers=headers, timeout=60)
