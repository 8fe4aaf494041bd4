"""The dashboard's data and actions over HTTP: any blueprint version, a pipeline run started and followed,
pages by status with their scores, and the review queue (approve, edit title and meta, send back)."""

import re
import time

import pytest
from fastapi.testclient import TestClient

from igny8.graphs.site_build import SiteBuildContext, build_active_site
from igny8.memory.site_pages_status import pages_with_status
from igny8.services import Services
from tests.web.conftest import new_account


def _signed_in(web: TestClient, key: str) -> str:
    web.cookies.clear()
    page = web.get("/sign-in")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    assert web.post("/sign-in", data={"csrf_token": token, "account_key": key}).status_code == 303
    return re.search(r'name="csrf-token" content="([^"]+)"', web.get("/app").text).group(1)  # type: ignore[union-attr]


@pytest.fixture(scope="module")
def written_site(web_runtime: Services, web: TestClient) -> dict:
    tenant = new_account(web_runtime, "writer")
    site = build_active_site(
        SiteBuildContext.of(web_runtime),
        account_id=tenant["account"],
        industry="healthcare-medical",
        sectors=["dental-clinics"],
        site_type="local_service",
        site_name="Written dental",
    )
    csrf = _signed_in(web, tenant["key"])
    assert web.post(f"/app/data/sites/{site}/pipeline", json={"limit": 2}).status_code == 403  # no CSRF header
    started = web.post(f"/app/data/sites/{site}/pipeline", json={"limit": 2}, headers={"X-CSRF-Token": csrf})
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 240
    while (live := web.get(f"/app/data/sites/{site}/pipeline").json()["live"])["state"] == "running":
        assert time.monotonic() < deadline, live
        time.sleep(0.5)
    assert live["state"] == "finished", live
    return {**tenant, "site": site, "csrf": csrf}


def test_a_run_started_from_the_dashboard_writes_pages(web: TestClient, written_site: dict) -> None:
    status = web.get(f"/app/data/sites/{written_site['site']}/pipeline").json()
    assert status["runs"][0]["status"] == "finished" and status["live"]["counts"]
    pages = web.get(f"/app/data/sites/{written_site['site']}/pages").json()
    assert len(pages) == 2
    for page in pages:
        assert page["status"] in {"draft", "review", "approved"} and page["html"]
        assert 0 <= page["score"]["total"] <= 100 and len(page["score"]["dimensions"]) == 6
    assert web.get(f"/app/data/sites/{written_site['site']}/blueprints/1").json()["version"] == 1
    assert web.get(f"/app/data/sites/{written_site['site']}/blueprints/9").status_code == 404


def test_the_review_queue(web_runtime: Services, web: TestClient, written_site: dict) -> None:
    site, headers = written_site["site"], {"X-CSRF-Token": written_site["csrf"]}
    first, second = (p["id"] for p in web.get(f"/app/data/sites/{site}/pages").json())
    url = f"/app/data/sites/{site}/pages/{first}/review"
    edited = web.post(
        url,
        json={"action": "edit", "title": "Dental Implants in Austin", "meta_description": "Fixed teeth."},
        headers=headers,
    )
    assert edited.status_code == 200 and edited.json()["status"] == "review"
    assert web.post(url, json={"action": "send_back"}, headers=headers).status_code == 422  # needs a note
    assert web.post(url, json={"action": "approve"}).status_code == 403  # no CSRF token
    assert web.post(url, json={"action": "publish"}, headers=headers).status_code == 422
    sent = web.post(
        f"/app/data/sites/{site}/pages/{second}/review",
        json={"action": "send_back", "note": "Add prices"},
        headers=headers,
    )
    assert sent.json()["status"] == "draft"
    assert web.post(url, json={"action": "approve"}, headers=headers).json()["status"] == "approved"
    with web_runtime.database.connection() as conn:
        stored = {p["id"]: p for p in pages_with_status(conn, site_id=site)}
    assert stored[first]["title"] == "Dental Implants in Austin" and stored[first]["status"] == "approved"
    assert stored[first]["meta"]["meta_description"] == "Fixed teeth."
    assert stored[second]["status"] == "draft" and stored[second]["meta"]["review_note"] == "Add prices"
    other = new_account(web_runtime, "outsider")
    _signed_in(web, other["key"])
    assert web.get(f"/app/data/sites/{site}/pages").status_code == 404


def test_monthly_reports_are_listed_and_served_to_their_account_only(
    web_runtime: Services, web: TestClient, written_site: dict, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from igny8.workflows.reports import write_report

    site = written_site["site"]
    write_report(
        web_runtime.database, account_id=written_site["account"], site_id=site, month="2026-11",
        out=tmp_path / "report-2026-11.html",
    )  # fmt: skip
    _signed_in(web, written_site["key"])
    listed = web.get(f"/app/api/sites/{site}/reports").json()["data"]
    assert [(r["month"], r["format"]) for r in listed] == [("2026-11", "html")]
    served = web.get(f"/app/data/sites/{site}/reports/2026-11.html")
    assert served.status_code == 200 and ("2026-11" in served.text or "November" in served.text)
    assert web.get(f"/app/data/sites/{site}/reports/2026-10.html").status_code == 404
    stranger = new_account(web_runtime, "stranger")
    _signed_in(web, stranger["key"])
    assert web.get(f"/app/data/sites/{site}/reports/2026-11.html").status_code == 404
