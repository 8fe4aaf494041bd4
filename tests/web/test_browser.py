"""The web app in a real Chromium (Debian's chromium driven by playwright), against the API served by
uvicorn on 127.0.0.1: sign in, create a site, run a chat build to its first pause, edit a value in the grid,
send a free-text edit (scripted fake model) and confirm it, approve, see the cluster map and the dashboard;
a wrong key and a form without its CSRF token are refused; no page logs a console error.

Screenshots of each screen at desktop and phone width go to $IGNY8_WEB_SCREENS (docs/screens/ in the repo
was made that way), or to the test's temporary directory."""

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from igny8.llm.fake import ScriptedModel, override
from igny8.memory.health_history import record_health
from igny8.services import Services
from tests.api.conftest import LiveServer
from tests.web.conftest import new_account

pytestmark = [pytest.mark.browser, pytest.mark.slow]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
playwright_api = pytest.importorskip("playwright.sync_api")
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (make browser-deps)", allow_module_level=True)

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(web_runtime: Services) -> Iterator[LiveServer]:
    with LiveServer(web_runtime) as live:
        yield live


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with playwright_api.sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], headless=True)
        yield chromium
        chromium.close()


@pytest.fixture()
def screens(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("IGNY8_WEB_SCREENS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Watched:
    """A page whose console errors and uncaught exceptions are collected."""

    def __init__(self, browser: object, base: str, viewport: dict) -> None:
        self.context = browser.new_context(viewport=viewport, base_url=base)  # type: ignore[attr-defined]
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

    def close(self) -> None:
        self.context.close()


def sign_in(page: object, key: str) -> None:
    page.goto("/sign-in")  # type: ignore[attr-defined]
    page.get_by_label("Account key").fill(key)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]


def test_refusals(web_runtime: Services, server: LiveServer, browser: object) -> None:
    tenant = new_account(web_runtime, "browser-refusals")
    watched = Watched(browser, server.url, DESKTOP)
    page = watched.page
    sign_in(page, tenant["key"][:-4] + "nope")
    assert "not valid" in page.get_by_role("alert").inner_text()
    assert page.url.endswith("/sign-in")
    sign_in(page, tenant["key"])
    page.wait_for_url("**/app")
    # A form posted without its CSRF token (as another site's page would) is refused, and so is a script call.
    refused = page.request.post(
        "/app/sites/new", form={"name": "Forged", "industry": "healthcare-medical", "sectors": "dental-clinics"}
    )
    assert refused.status == 403 and "CSRF" in refused.text()
    no_header = page.request.post("/app/api/chat/sessions", data={})
    assert no_header.status == 403
    page.goto("/app")
    assert "Forged" not in page.content()
    watched.close()


def test_build_a_site_in_the_browser(web_runtime: Services, server: LiveServer, browser: object, screens: Path) -> None:
    tenant = new_account(web_runtime, "browser")
    desk = Watched(browser, server.url, DESKTOP)
    page = desk.page
    page.goto("/sign-in")
    page.screenshot(path=screens / "sign-in-desktop.png")
    sign_in(page, tenant["key"])
    page.wait_for_url("**/app")

    # Create a site with the catalog pickers (search narrows the industry, then a sector is ticked).
    page.get_by_role("link", name="Create a site").click()
    page.get_by_label("Site name").fill("Bright Smile Dental")
    page.get_by_label("Search industries").fill("healthcare")
    page.get_by_label("Industry", exact=True).select_option("healthcare-medical")
    page.get_by_label("Search sectors").fill("dental")
    page.get_by_label("Dental Clinics").check()
    page.screenshot(path=screens / "new-site-desktop.png", full_page=True)
    page.get_by_role("button", name="Create the site").click()
    page.get_by_text("shown only once").wait_for()

    # The build streams to its first pause: the attribute grid as an editable table.
    page.get_by_role("link", name="Design the site with the architect").click()
    page.get_by_label("Services").fill("Invisalign, Dental Implants, Veneers, Teeth Whitening")
    page.get_by_role("button", name="Start the build").click()
    page.wait_for_url("**/app/chat/*")
    grid = page.locator("#attribute-grid")
    grid.wait_for(timeout=60_000)
    assert page.locator("#chat-log .progress").count() >= 1
    page.screenshot(path=screens / "chat-attributes-desktop.png", full_page=True)

    # Edit a value in place and apply: the grid comes back with the new name.
    page.get_by_label("Treatment: Veneers").fill("Porcelain Veneers")
    page.get_by_label("Treatment: Veneers").press("Tab")
    assert "rename Veneers to Porcelain Veneers" in page.locator(".pending").inner_text()
    page.get_by_role("button", name="Apply edits").click()
    page.get_by_label("Treatment: Porcelain Veneers").wait_for(timeout=60_000)

    # Free text: the architect (scripted) maps it to an edit, shown for confirmation before it applies.
    scripted = ScriptedModel(
        replies=[{"attribute_edits": [{"op": "remove_value", "attribute": "concern", "value": "Bad Breath"}]}]
    )
    with override(scripted):
        page.get_by_label("Message").fill("drop bad breath, we don't treat it")
        page.get_by_role("button", name="Send").click()
        page.locator("#proposed-edits").wait_for()
    assert len(scripted.calls) == 1
    assert page.locator("#proposed-edits").inner_text() == "remove Bad Breath from Dental Concern"
    page.screenshot(path=screens / "chat-confirm-desktop.png", full_page=True)
    page.get_by_role("button", name="Apply these edits").click()
    page.get_by_label("Dental Concern: Toothache").wait_for(timeout=60_000)
    assert page.get_by_label("Dental Concern: Bad Breath").count() == 0

    # Approve the attributes: the cluster preview as cards; approve them: the draft is saved.
    page.get_by_role("button", name="Approve the attributes").click()
    cards = page.locator("#cluster-cards .cluster-card")
    cards.first.wait_for(timeout=120_000)
    cluster_count = cards.count()
    assert cluster_count >= 3 and "keywords" in cards.first.inner_text()
    page.screenshot(path=screens / "chat-clusters-desktop.png", full_page=True)
    chat_url = page.url
    page.get_by_role("button", name="Approve the clusters").click()
    page.get_by_role("link", name="Open the site dashboard").click(timeout=120_000)

    # The dashboard: the cluster map (nodes per cluster), the link graph and the grid, drawn from the data.
    page.locator("#cluster-map svg .cluster-node").first.wait_for(timeout=30_000)
    assert page.locator("#cluster-map svg .cluster-node").count() == cluster_count
    assert page.locator("#link-graph svg circle").count() > 10
    assert "Porcelain Veneers" in page.locator("#dashboard-grid").inner_text()
    assert "Bad Breath" not in page.locator("#dashboard-grid").inner_text()
    page.get_by_role("button", name="Activate v1").click()
    page.get_by_role("cell", name="active", exact=True).wait_for()
    dashboard_url = page.url

    # Health history as a chart; a pipeline run started from the page, its progress followed live; the
    # written pages by status with their scores, and the review queue.
    site_id = int(dashboard_url.rstrip("/").rsplit("/", 1)[1])
    for score in (35.0, 41.5, 52.0):  # one transaction each: now() differs
        with web_runtime.database.connection() as conn:
            record_health(conn, site_id=site_id, blueprint_id=None, score=score, components=[])
    page.goto(dashboard_url)
    page.locator("#health svg circle").nth(2).wait_for()
    assert page.locator("#health svg circle").count() == 3
    page.get_by_label("Pages to write").fill("2")
    page.get_by_role("button", name="Start a run").click()
    page.locator("#run-state").wait_for()
    page.wait_for_function("!document.getElementById('run-state')?.textContent.startsWith('Running')", timeout=240_000)
    assert page.locator("#run-state").inner_text().startswith("Finished"), page.locator("#run-state").inner_text()
    page.locator("#pages details").first.wait_for()
    assert page.locator("#pages details").count() == 2
    # Open a page: its preview (sandboxed), score and six dimensions; one in review gets the queue's controls.
    queued = page.locator("#pages section", has_text="review (").locator("details")
    if queued.count():
        queued.first.locator("summary").click()
        title = queued.first.get_by_label("Title")
        title.fill("Porcelain Veneers in Austin: Costs and Choices")
        queued.first.get_by_role("button", name="Save title and meta").click()
        page.locator("#pages summary", has_text="Porcelain Veneers in Austin").wait_for()
        page.locator("#pages section", has_text="review (").locator("details").first.locator("summary").click()
        page.get_by_role("button", name="Approve", exact=True).click()
        page.locator("#pages h3", has_text="approved (2)").wait_for()
    page.locator("#pages details").first.locator("summary").click()
    # The details are drawn by the toggle event, which fires after the click returns.
    page.locator("#pages details[open] .dims span").first.wait_for()
    assert page.locator("#pages .dims span").count() == 12
    assert page.locator("#pages iframe[sandbox='']").count() == 1
    assert page.frame_locator("#pages iframe").locator("h1, h2, p").first.inner_text().strip()
    page.locator("#pages iframe").screenshot(path=screens / "page-preview-desktop.png")
    page.screenshot(path=screens / "dashboard-desktop.png", full_page=True)

    # Keyboard: on a fresh page the skip link is the first stop.
    page.goto(dashboard_url)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    assert desk.errors == [], desk.errors
    desk.close()

    # Phone width: the same screens, one column; the chat replays its session after a fresh load.
    phone = Watched(browser, server.url, PHONE)
    sign_in(phone.page, tenant["key"])
    phone.page.wait_for_url("**/app")
    phone.page.screenshot(path=screens / "sites-phone.png", full_page=True)
    phone.page.goto(dashboard_url)
    phone.page.get_by_role("link", name=re.compile(r"^\d{4}-\d\d-\d\d")).click()  # the design session
    assert phone.page.url == chat_url
    phone.page.get_by_role("link", name="Open the site dashboard").wait_for(timeout=30_000)
    assert "rename value treatment Veneers → Porcelain Veneers" in phone.page.locator("#chat-log").inner_text()
    phone.page.screenshot(path=screens / "chat-phone.png", full_page=True)
    phone.page.goto(dashboard_url)
    phone.page.locator("#cluster-map svg .cluster-node").first.wait_for(timeout=30_000)
    width = phone.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, f"the dashboard scrolls sideways on a phone ({width}px)"
    phone.page.screenshot(path=screens / "dashboard-phone.png", full_page=True)
    phone.page.goto("/app/sites/new")
    phone.page.screenshot(path=screens / "new-site-phone.png", full_page=True)
    assert phone.errors == [], phone.errors
    phone.close()
