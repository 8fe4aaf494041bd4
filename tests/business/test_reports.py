"""A white-label monthly report of a written demo site, as HTML and as a PDF looked at page by page (pdftoppm)
and read back (pdftotext) for its figures, in the agency's name and colours with no trace of ours."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image

from igny8.llm.credits import credit_period
from igny8.memory import reports_repo
from igny8.services import Services
from igny8.tools.reports.report_page import month_label
from igny8.workflows.pipeline_run import run_pipeline
from igny8.workflows.reports import (
    ReportRequestError,
    list_site_reports,
    month_bounds,
    previous_month,
    set_brand,
    write_due_report,
    write_report,
)
from tests.dental_site import new_dental_site

PRIMARY, ACCENT = "#0a8f5c", "#7a1fa2"
AGENCY = "Northwind <Growth> Partners"
LOGO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40"><rect width="120" height="40" fill="#0a8f5c"/>'
    b'<text x="8" y="27" font-size="18" fill="#fff">NW</text><script>alert(1)</script></svg>'
)
MONTH = credit_period()


@pytest.fixture()
def written_site(runtime: Services) -> tuple[int, int]:
    account, site = new_dental_site(runtime, name="Bright Smile Dental")
    run_pipeline(runtime, account_id=account, site_id=site, limit=4, stages=["ideas", "tasks", "content", "links"])
    start, _ = month_bounds(MONTH)
    with runtime.database.connection() as conn:
        for day, score in ((1, 41.0), (8, 47.5), (15, 55.0)):
            conn.execute(
                "INSERT INTO health_history (site_id, score, components, computed_at) VALUES (%s, %s, '[]', %s)",
                (site, score, start + timedelta(days=day - 1)),
            )
        assert reports_repo.table_exists(conn, "gsc_search_analytics")  # migration 0008 (Search Console)
        for day in range(1, 11):
            for page, clicks, position in (
                ("https://bright.example/implants/", 30 + day, 20 - day),
                ("https://bright.example/", 12, 8.0),
            ):
                conn.execute(
                    "INSERT INTO gsc_search_analytics (site_id, date, page_url, query, clicks, impressions, ctr,"
                    " position) VALUES (%s, %s, %s, 'dental implants', %s, 400, %s, %s)",
                    (site, start.date() + timedelta(days=day - 1), page, clicks, clicks / 400, position),
                )
    return account, site


def test_pdf_report_carries_the_agency_brand_and_the_months_figures(
    runtime: Services, written_site: tuple[int, int], tmp_path: Path
) -> None:
    assert shutil.which("pdftoppm") and shutil.which("pdftotext"), "poppler-utils is needed (make report-deps)"
    account, site = written_site
    set_brand(
        runtime.database, account_id=account, agency_name=AGENCY, primary_color=PRIMARY, accent_color=ACCENT, logo=LOGO
    )
    out = tmp_path / "reports" / "bright.pdf"
    figures = write_report(runtime.database, account_id=account, site_id=site, month=MONTH, out=out)

    assert figures["pages"]["written"] == 4 and figures["pages"]["written_in_month"] == 4
    assert figures["health"]["current"] == 55.0 and [h["score"] for h in figures["health"]["history"]] == [
        41.0,
        47.5,
        55.0,
    ]
    assert figures["search"]["clicks"] == sum(30 + d for d in range(1, 11)) + 12 * 10
    assert figures["links"]["internal_links"] > 0 and 0 < figures["links"]["coverage_pct"] <= 100
    assert figures["credits"]["total"] > 0 and "content_generation" in figures["credits"]["by_operation"]

    assert out.read_bytes().startswith(b"%PDF")
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(out), str(tmp_path / "page")], check=True, timeout=120)
    pictures = sorted(tmp_path.glob("page-*.png"))
    assert 1 <= len(pictures) <= 4
    first = Image.open(pictures[0]).convert("RGB")
    header = first.getpixel((first.width // 2, int(first.height * 0.07)))  # the banner across the top
    assert header == (0x0A, 0x8F, 0x5C), header
    colours = {c for _, c in first.getcolors(maxcolors=1 << 20)}
    assert (0x7A, 0x1F, 0xA2) in colours  # the accent: tile borders and click bars

    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    words = " ".join(text.split())
    assert "Northwind <Growth> Partners" in words and "&lt;" not in words and "IGNY8" not in words
    assert "Bright Smile Dental — monthly SEO" in words and month_label(MONTH) in words
    assert f"{figures['search']['clicks']:,}" in words and "55.0" in words
    assert f"{figures['credits']['total']:,}" in words

    rows = list_site_reports(runtime.database, account_id=account, site_id=site)
    assert [(r["month"], r["format"]) for r in rows] == [(MONTH, "pdf")]


def test_html_report_is_self_contained_and_escapes_what_it_is_given(
    runtime: Services, written_site: tuple[int, int], tmp_path: Path
) -> None:
    account, site = written_site
    set_brand(
        runtime.database, account_id=account, agency_name=AGENCY, primary_color=PRIMARY, accent_color=ACCENT, logo=LOGO
    )
    out = tmp_path / "bright.html"
    write_report(runtime.database, account_id=account, site_id=site, month=MONTH, out=out)
    html = out.read_text()
    assert html.count("<svg") == 4  # health, clicks, positions, credits: charts, not only tables
    assert "<script" not in html  # the logo travels base64-encoded in an <img>, where SVG runs nothing
    assert "Northwind &lt;Growth&gt; Partners" in html and "IGNY8" not in html
    assert 'src="data:image/svg+xml;base64,' in html and "http://" not in html.replace("http://www.w3.org", "")
    assert PRIMARY in html and ACCENT in html


def test_bad_requests_say_what_to_fix(runtime: Services, written_site: tuple[int, int], tmp_path: Path) -> None:
    account, site = written_site
    for month in ("2026-13", "26-01", "last month"):
        with pytest.raises(ReportRequestError, match="YYYY-MM"):
            write_report(runtime.database, account_id=account, site_id=site, month=month, out=tmp_path / "r.pdf")
    with pytest.raises(ReportRequestError, match=r"\.pdf or \.html"):
        write_report(runtime.database, account_id=account, site_id=site, month=MONTH, out=tmp_path / "r.docx")
    with pytest.raises(ReportRequestError, match="colour"):
        set_brand(runtime.database, account_id=account, agency_name="A", primary_color="red", accent_color=ACCENT)
    with pytest.raises(ReportRequestError, match="PNG, JPEG or SVG"):
        set_brand(
            runtime.database, account_id=account, agency_name="A", primary_color=PRIMARY, accent_color=ACCENT,
            logo=b"GIF89a....",
        )  # fmt: skip
    assert not (tmp_path / "r.pdf").exists()


def test_the_monthly_schedule_writes_last_months_report_once(
    runtime: Services, written_site: tuple[int, int], tmp_path: Path
) -> None:
    account, site = written_site
    today = datetime.now(UTC).date()
    first = write_due_report(runtime.database, account_id=account, site_id=site, reports_dir=tmp_path, today=today)
    assert first is not None and first.name == f"report-{previous_month(today)}.pdf" and first.exists()
    again = write_due_report(runtime.database, account_id=account, site_id=site, reports_dir=tmp_path, today=today)
    assert again is None
    assert previous_month(date(2027, 1, 5)) == "2026-12" and previous_month(date(2026, 7, 31)) == "2026-06"
