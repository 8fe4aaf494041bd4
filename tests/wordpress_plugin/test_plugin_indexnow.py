"""The IndexNow key file, served by the plugin on a real WordPress: the backend hands the key over the plugin's
authenticated channel when it submits, the plugin answers GET /<key>.txt with exactly the key (404 for any other
key), and the submission names that location, which a stand-in IndexNow endpoint fetches and compares, as the
search engines do. Uninstalling removes the key."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.llm.embedder import FakeEmbedder
from igny8.llm.gateway import ModelGateway
from igny8.memory.database import Database
from igny8.memory.secret_box import secret_box_for
from igny8.memory.tenancy import set_site_url
from igny8.services import Services
from igny8.stages.plugin_bridge import save_plugin_bridge
from igny8.workflows.pipeline_run import run_pipeline
from igny8.workflows.search_console_indexnow import submit_changed_pages
from tests.dental_site import new_dental_site
from tests.wordpress.testbed import WordPressTestbed
from tests.wordpress_plugin.conftest import plugin_api, secret_of

pytestmark = [pytest.mark.wordpress, pytest.mark.slow]

KEY = "b7c1e0f4a9d2-4e6f8a0b2c4d6e8f"
OTHER_KEY = "0123456789abcdef0123456789abcdef"


@dataclass
class _Verifier:
    """What the stand-in endpoint saw: each submission and the key file it fetched for it."""

    submissions: list[dict[str, Any]] = field(default_factory=list)
    fetched: list[tuple[int, str, str]] = field(default_factory=list)  # (status, content type, body)


class _IndexNowHandler(BaseHTTPRequestHandler):
    """``POST /indexnow`` as api.indexnow.org answers it: 400 malformed, 422 URLs off the host, 403 when the key
    file at ``keyLocation`` does not hold the key, 200 when it does."""

    server: _IndexNowServer

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        return

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))) or b"null")
        self.server.seen.submissions.append(body)
        if self.path != "/indexnow" or not isinstance(body, dict) or not body.get("urlList"):
            self._answer(400)
            return
        if any(urlsplit(u).hostname != body.get("host") for u in [*body["urlList"], body.get("keyLocation", "")]):
            self._answer(422)
            return
        key_file = httpx.get(body["keyLocation"], timeout=30, follow_redirects=False)
        self.server.seen.fetched.append((key_file.status_code, key_file.headers.get("content-type", ""), key_file.text))
        verified = key_file.status_code == 200 and key_file.text.strip() == body.get("key")
        self._answer(200 if verified else 403)

    def _answer(self, status: int) -> None:
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()


class _IndexNowServer(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _IndexNowHandler)
        self.seen = _Verifier()


@pytest.fixture
def indexnow() -> Iterator[_IndexNowServer]:
    server = _IndexNowServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def site(database: Database, plugin_wordpress: WordPressTestbed, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A dental site at the test bed's address with two approved pages and the plugin connected."""
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("indexnow-backend"),
        embedder="fake",
        default_model="igny8-fake/lorem",
        environment="test",
        indexnow_key=KEY,
    )
    runtime = Services(settings, database, ModelGateway(settings, database), FakeEmbedder(), load_catalog())
    account, site_id = new_dental_site(runtime, name="Key File")
    run_pipeline(runtime, account_id=account, site_id=site_id, limit=2)
    with database.connection() as conn:
        conn.execute("UPDATE content SET status = 'approved' WHERE site_id = %s", (site_id,))
        set_site_url(conn, site_id=site_id, url=plugin_wordpress.base_url)
    return runtime, account, site_id


def _key_file(bed: WordPressTestbed, key: str) -> httpx.Response:
    return httpx.get(f"{bed.base_url}/{key}.txt", timeout=30, follow_redirects=False)


def test_the_submission_hands_the_key_to_the_plugin_which_serves_it_where_the_submission_says(
    plugin_wordpress: WordPressTestbed, site, indexnow: _IndexNowServer
) -> None:
    bed = plugin_wordpress
    runtime, account, site_id = site
    assert _key_file(bed, KEY).status_code == 404, "nothing is served before the backend hands the key over"
    with runtime.database.connection() as conn:
        save_plugin_bridge(
            conn,
            account_id=account,
            site_id=site_id,
            site_url=bed.base_url,
            secret=secret_of(bed),
            secrets=secret_box_for(runtime.settings),
        )
    settings = runtime.settings.model_copy(
        update={"indexnow_endpoint": f"http://127.0.0.1:{indexnow.server_port}/indexnow"}
    )
    result = submit_changed_pages(runtime.database, settings, account_id=account, site_id=site_id)

    location = f"{bed.base_url}/{KEY}.txt"
    assert result["key_served_by"] == "plugin" and result["key_location"] == location
    assert result["submitted"] == 2 and result["batches"] == [{"urls": 2, "status": 200}]
    (submission,) = indexnow.seen.submissions
    assert submission["key"] == KEY and submission["keyLocation"] == location and submission["host"] == "127.0.0.1"
    assert indexnow.seen.fetched == [(200, "text/plain; charset=utf-8", KEY)]

    served = _key_file(bed, KEY)
    assert served.status_code == 200 and served.text == KEY
    assert served.headers["content-type"] == "text/plain; charset=utf-8"
    assert _key_file(bed, OTHER_KEY).status_code == 404
    assert _key_file(bed, KEY.upper()).status_code == 404
    assert httpx.get(f"{bed.base_url}/sub/{KEY}.txt", timeout=30, follow_redirects=False).status_code == 404


def test_the_plugin_refuses_an_invalid_key_or_a_call_without_the_secret_and_keeps_the_stored_one(
    plugin_wordpress: WordPressTestbed, site
) -> None:
    bed = plugin_wordpress
    with plugin_api(bed, secret_of(bed)) as plugin:
        for bad in ["short", "has space in it", "x" * 129, "abcd1234\n", 12345678, None]:
            refused = plugin.post("/indexnow-key", json={"key": bad})
            assert refused.status_code == 422, (bad, refused.text)
            assert "8 to 128 letters" in refused.json()["errors"]["key"][0]
        shown = plugin.get("/indexnow-key").json()["data"]
        assert shown == {"key": KEY, "key_location": f"{bed.base_url}/{KEY}.txt"}
    with plugin_api(bed, None) as anonymous:
        assert anonymous.post("/indexnow-key", json={"key": OTHER_KEY}).status_code == 401
    assert _key_file(bed, KEY).text == KEY and _key_file(bed, OTHER_KEY).status_code == 404


def test_uninstall_removes_the_key(plugin_wordpress: WordPressTestbed, site) -> None:
    bed = plugin_wordpress
    assert bed.run_php("echo get_option('igny8_bridge_indexnow_key');") == KEY
    bed.run_php(
        "deactivate_plugins('igny8-bridge/igny8-bridge.php'); uninstall_plugin('igny8-bridge/igny8-bridge.php');"
    )
    bed.plugins.remove("igny8-bridge/igny8-bridge.php")
    assert bed.run_php("var_export(get_option('igny8_bridge_indexnow_key', null));") == "NULL"
    assert _key_file(bed, KEY).status_code == 404
