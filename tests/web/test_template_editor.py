"""A niche outside the catalog from the web app: the grid editor's server side against the real app and
database. A grid is checked by the template files' validator (every problem keyed by its field), stored as
the account's template with its source, offered to the account's other sites and to no other account, and a
site is created on it in one transaction; the architect drafts a grid only with a capable model; the
"design with the architect" build runs on the new site."""

import copy
import os
import re
import time
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from igny8.api.app import create_app
from igny8.config import LOCAL_MODEL, Settings
from igny8.llm import fake
from igny8.llm.gateway import ModelGateway
from igny8.memory.sector_templates_repo import find_sector_template
from igny8.memory.tenancy import create_site, list_sites
from igny8.services import Services
from tests.agents.test_architect import _rich_answer
from tests.web.conftest import new_account
from tests.web.test_sign_in_and_csrf import _csrf, _sign_in

EXAMPLE = Path(__file__).parents[2] / "examples" / "templates" / "axe-throwing-venues.yaml"
NICHE = {"industry": "entertainment-media", "sector_name": "Axe Throwing Venues", "site_type": "local_service"}


def _grid() -> dict:
    written = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    return {"attributes": written["attributes"], "keyword_templates": written["keyword_templates"]}


def _signed_in(web: TestClient, runtime: Services, name: str) -> tuple[dict, dict]:
    tenant = new_account(runtime, name)
    assert _sign_in(web, tenant["key"]).status_code == 303
    return tenant, {"X-CSRF-Token": _csrf(web.get("/app/sites/new").text)}


def _body(**changes: object) -> dict:
    return {**NICHE, "site_name": "Bullseye Axes", "url": "https://bullseye.example", **_grid(), **changes}


def _stored_count(runtime: Services, account: int) -> tuple[int, object]:
    with runtime.database.connection() as conn:
        sites = list_sites(conn, account_id=account)
        return len(sites), find_sector_template(conn, "axe-throwing-venues", account_id=account)


def test_a_grid_makes_a_site_and_a_template_the_accounts_other_sites_reuse(
    web_runtime: Services, web: TestClient
) -> None:
    tenant, headers = _signed_in(web, web_runtime, "axe-owner")
    page = web.get("/app/sites/new")
    assert 'href="/app/sites/new/niche"' in page.text
    editor = web.get("/app/sites/new/niche")
    assert editor.status_code == 200 and 'id="niche-attribute-grid"' in editor.text and "niche_editor.js" in editor.text

    created = web.post("/app/data/niche/sites", json=_body(), headers=headers)
    assert created.status_code == 201, created.text
    answer = created.json()
    assert answer["site"]["sectors"] == ["axe-throwing-venues"] and answer["site_key"].startswith("igny8_")
    assert answer["sector"] == {
        "slug": "axe-throwing-venues",
        "name": "Axe Throwing Venues",
        "source": "user_contributed",
    }
    with web_runtime.database.connection() as conn:
        stored = find_sector_template(conn, "axe-throwing-venues", account_id=tenant["account"])
    assert stored is not None and stored.account_id == tenant["account"] and stored.name == "Axe Throwing Venues"
    assert stored.template.source == "user_contributed" and stored.template.industry == "entertainment-media"
    assert [a.slug for a in stored.template.attributes] == [a["slug"] for a in _grid()["attributes"]]

    # Offered to the account's other sites by the new-site form's picker, which accepts it.
    offered = web.get("/app/data/niche/templates").json()
    assert {
        "sector": "axe-throwing-venues",
        "name": "Axe Throwing Venues",
        "industry": "entertainment-media",
        "source": "user_contributed",
    } in offered
    form = {
        "csrf_token": headers["X-CSRF-Token"],
        "name": "Second Axes",
        "industry": "entertainment-media",
        "sectors": ["axe-throwing-venues"],
    }
    untyped = web.post("/app/sites/new", data=form)
    assert untyped.status_code == 422 and "choose the site&#39;s type" in untyped.text
    elsewhere = web.post("/app/sites/new", data={**form, "industry": "healthcare-medical", "site_type": "blog"})
    assert elsewhere.status_code == 422 and "axe-throwing-venues" in elsewhere.text  # only in its own industry
    second = web.post("/app/sites/new", data={**form, "site_type": "local_service"})
    assert second.status_code == 201 and "Second Axes is created" in second.text
    assert _stored_count(web_runtime, tenant["account"])[0] == 2

    # Not to another account: there the name is no sector of its own.
    other, other_headers = _signed_in(web, web_runtime, "axe-stranger")
    assert web.get("/app/data/niche/templates").json() == []
    refused = web.post(
        "/app/sites/new", data={**form, "csrf_token": other_headers["X-CSRF-Token"], "site_type": "blog"}
    )
    assert refused.status_code == 422 and "axe-throwing-venues" in refused.text
    assert _stored_count(web_runtime, other["account"]) == (0, None)


def test_every_problem_of_a_grid_is_keyed_by_its_field_and_nothing_is_stored(
    web_runtime: Services, web: TestClient
) -> None:
    tenant, headers = _signed_in(web, web_runtime, "axe-careless")
    grid = _grid()
    broken = copy.deepcopy(grid)
    broken["attributes"][1]["values"][:2] = ["Other", "Date Night"]  # thin, and now listed twice
    broken["keyword_templates"][2]["pattern"] = "best {weapon}"  # an attribute the grid does not have
    answer = web.post("/app/data/niche/sites", json=_body(**broken), headers=headers)
    assert answer.status_code == 422
    errors = answer.json()["errors"]
    assert "rules" in answer.json()["error"]
    assert any("too thin" in m for m in errors["attributes.1"]) and any("2 times" in m for m in errors["attributes.1"])
    assert errors["keyword_templates.2"] == ["names unknown attributes weapon"]

    schema = copy.deepcopy(grid)
    schema["attributes"][0]["slug"] = "Bad Slug"
    schema["keyword_templates"][0]["intent"] = "curious"
    answer = web.post("/app/data/niche/sites", json=_body(**schema), headers=headers)
    assert answer.status_code == 422
    assert set(answer.json()["errors"]) == {"attributes.0.slug", "keyword_templates.0.intent"}

    thin = copy.deepcopy(grid)
    thin["keyword_templates"] = thin["keyword_templates"][:16]
    errors = web.post("/app/data/niche/sites", json=_body(**thin), headers=headers).json()["errors"]
    assert any("keywords; needs at least 320" in m for m in errors["keyword_templates"])

    catalog_sector = web.post("/app/data/niche/sites", json=_body(sector_name="Escape Rooms"), headers=headers)
    typo = web.post(
        "/app/data/niche/sites", json=_body(industry="healthcare-medical", sector_name="Dental Clinik"), headers=headers
    )
    for refused in (catalog_sector, typo):
        assert refused.status_code == 422 and list(refused.json()["errors"]) == ["sector_name"], refused.text
    bad_url = web.post("/app/data/niche/sites", json=_body(url="ftp://x"), headers=headers)
    assert bad_url.status_code == 422 and list(bad_url.json()["errors"]) == ["url"]
    assert web.post("/app/data/niche/sites", json=_body()).status_code == 403  # no CSRF token
    assert _stored_count(web_runtime, tenant["account"]) == (0, None)


def test_a_refused_site_stores_no_template(web_runtime: Services, web: TestClient) -> None:
    tenant, headers = _signed_in(web, web_runtime, "axe-full")
    with web_runtime.database.connection() as conn:
        for n in range(3):  # the Lite plan's three sites
            create_site(
                conn,
                account_id=tenant["account"],
                name=f"full {n}",
                url=None,
                site_type="blog",
                industry="healthcare-medical",
                sectors=["dental-clinics"],
            )
    answer = web.post("/app/data/niche/sites", json=_body(), headers=headers)
    assert answer.status_code == 409 and "plan covers 3 sites" in answer.json()["error"]
    assert _stored_count(web_runtime, tenant["account"]) == (3, None)


def test_the_architect_drafts_a_grid_with_a_capable_model(web_runtime: Services, web: TestClient) -> None:
    tenant, headers = _signed_in(web, web_runtime, "axe-drafted")
    assert "Ask the architect to draft the grid" in web.get("/app/sites/new/niche").text
    with fake.override(fake.ScriptedModel(replies=[_rich_answer()])) as model:
        drafted = web.post("/app/data/niche/draft", json=NICHE, headers=headers)
    assert drafted.status_code == 200, drafted.text
    assert len(model.calls) == 1 and "Axe Throwing Venues" in str(model.calls[0])
    grid = drafted.json()
    assert [a["slug"] for a in grid["attributes"]] == [a["slug"] for a in _rich_answer()["attributes"]]
    assert _stored_count(web_runtime, tenant["account"]) == (0, None)  # a draft stores nothing
    created = web.post("/app/data/niche/sites", json=_body(**grid, drafted=True), headers=headers)
    assert created.status_code == 201 and created.json()["sector"]["source"] == "ai_generated"
    count, stored = _stored_count(web_runtime, tenant["account"])
    assert count == 1 and stored.template.source == "ai_generated"  # type: ignore[attr-defined]


def test_with_only_the_embedded_model_the_page_says_what_to_do(web_runtime: Services, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, embedder="fake", default_model=LOCAL_MODEL, environment="test")
    runtime = Services(
        settings,
        web_runtime.database,
        ModelGateway(settings, web_runtime.database),
        web_runtime.embedder,
        web_runtime.catalog,
    )
    with TestClient(create_app(runtime), follow_redirects=False) as web:
        _, headers = _signed_in(web, runtime, "axe-embedded")
        page = web.get("/app/sites/new/niche").text
        assert "Only the embedded model" in page and "IGNY8_ARCHITECT_MODEL" in page
        assert "Ask the architect" not in page and 'id="niche-attribute-grid"' in page  # the editor is offered
        refused = web.post("/app/data/niche/draft", json=NICHE, headers=headers)
        assert refused.status_code == 409 and "write the grid in the editor" in refused.json()["error"]


def test_the_architect_build_runs_on_a_site_of_the_niche(web_runtime: Services, web: TestClient) -> None:
    _, headers = _signed_in(web, web_runtime, "axe-builder")
    site = web.post("/app/data/niche/sites", json=_body(), headers=headers).json()["site"]
    build = {
        "industry": "entertainment-media",
        "sectors": ["axe-throwing-venues"],
        "site_type": "local_service",
        "site_id": site["id"],
    }
    started = web.post("/app/api/chat/sessions", json=build, headers=headers)
    assert started.status_code == 202, started.text
    session = started.json()["data"]["id"]
    deadline = time.monotonic() + 120
    while (state := web.get(f"/app/api/chat/sessions/{session}").json()["data"])["status"] == "running":
        assert time.monotonic() < deadline, "the build did not pause for review"
        time.sleep(0.5)
    assert state["status"] == "awaiting_review", state
    review = state["review"]
    assert review["stage"] == "attributes"
    assert "Axe Throwing" in next(a for a in review["attributes"] if a["slug"] == "experience")["values"]


@pytest.mark.parametrize("path", ["/app/data/niche/templates", "/app/data/niche/start/dental-clinics"])
def test_signed_out_reads_are_refused(web: TestClient, path: str) -> None:
    web.cookies.clear()
    assert web.get(path).status_code == 401


def _fill_grid(page, grid: dict) -> None:  # type: ignore[no-untyped-def]
    """Type the grid into the editor: five attribute rows and eight pattern rows are there; more are added with
    the keyboard (Enter on the add button), each new row taking the focus."""
    for n, attribute in enumerate(grid["attributes"], start=1):
        page.get_by_label(f"Attribute {n} name").fill(attribute["name"])
        page.get_by_label(f"Attribute {n} slug").fill(attribute["slug"])
        page.get_by_label(f"Attribute {n} level").select_option(attribute["level"])
        page.get_by_label(f"Attribute {n} kind").select_option(attribute["kind"])
        page.get_by_label(f"Attribute {n} values, one a line").fill("\n".join(attribute["values"]))
    add = page.get_by_role("button", name="Add a search pattern")
    for n, pattern in enumerate(grid["keyword_templates"], start=1):
        if n > 8:
            add.focus()
            page.keyboard.press("Enter")
            assert page.evaluate("document.activeElement.getAttribute('aria-label')") == f"Search pattern {n}"
        page.get_by_label(f"Search pattern {n}", exact=True).fill(pattern["pattern"])
        page.get_by_label(f"Search pattern {n} intent").select_option(pattern["intent"])


@pytest.mark.browser
@pytest.mark.slow
def test_a_niche_grid_written_in_the_browser_becomes_a_site(web_runtime: Services) -> None:
    import shutil

    from tests.api.conftest import LiveServer

    playwright_api = pytest.importorskip("playwright.sync_api")
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        pytest.skip("Debian's chromium is not installed (make browser-deps)")
    tenant = new_account(web_runtime, "axe-browser")
    errors: list[str] = []
    with LiveServer(web_runtime) as server, playwright_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium, args=["--no-sandbox"], headless=True)
        page = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900}).new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "422" not in m.text else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto("/sign-in")
        page.get_by_label("Account key").fill(tenant["key"])
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url("**/app")
        page.goto("/app/sites/new")
        page.get_by_role("link", name="name it and write its grid").click()
        page.wait_for_url("**/app/sites/new/niche")

        page.get_by_label("Site name").fill("Bullseye Axes")
        page.get_by_label("Industry").select_option("entertainment-media")
        page.get_by_label("Site type").select_option("local_service")
        page.get_by_label("Your niche").fill("Axe Throwing Venues")
        grid = _grid()
        broken = copy.deepcopy(grid)
        broken["attributes"][1]["values"][0] = "Other"
        _fill_grid(page, broken)
        # A sixth attribute row, added and removed again with the keyboard.
        page.get_by_role("button", name="Add an attribute").focus()
        page.keyboard.press("Enter")
        page.get_by_label("Remove attribute 6").focus()
        page.keyboard.press("Enter")
        assert page.locator("#attribute-rows tr").count() == 5

        page.get_by_role("button", name="Create the site on this grid").click()
        problem = page.locator("#attribute-rows tr").nth(1).locator(".row-problems")
        problem.wait_for()
        assert "'Other' is too thin" in problem.inner_text()
        assert page.locator("#attribute-rows tr.has-problems").count() == 1
        assert "template rules" in page.locator("#summary").inner_text()
        if screens := os.environ.get("IGNY8_WEB_SCREENS"):  # as tests/web/test_browser.py does
            page.screenshot(path=Path(screens) / "niche-editor-desktop.png", full_page=True)

        page.get_by_label("Attribute 2 values, one a line").fill("\n".join(grid["attributes"][1]["values"]))
        page.get_by_role("button", name="Create the site on this grid").click()
        page.get_by_role("heading", name="Bullseye Axes is created").wait_for()
        assert page.get_by_label("Site key").input_value().startswith("igny8_")
        assert "user contributed" in page.locator("#created-sector").inner_text()
        page.get_by_role("link", name="Go to the dashboard").click()
        page.wait_for_url(re.compile(r".*/app/sites/\d+$"))
        assert "Bullseye Axes" in page.locator("main").inner_text()

        # The niche is offered to the account's next site.
        page.goto("/app/sites/new")
        page.get_by_label("Industry", exact=True).select_option("entertainment-media")
        page.get_by_label("Axe Throwing Venues").wait_for()
        assert "your grid" in page.locator("#sector-list").inner_text()
        browser.close()
    assert errors == []
    with web_runtime.database.connection() as conn:
        sites = list_sites(conn, account_id=tenant["account"])
    assert [list(s.sectors) for s in sites] == [["axe-throwing-venues"]]
