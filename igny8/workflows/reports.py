"""Monthly white-label reports: the month's figures for a site, rendered as HTML or PDF, written to a file and
listed; the agency's brand (name, logo, colours) set once per account."""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from igny8.memory import credit_accounts, reports_repo
from igny8.memory.database import Database
from igny8.memory.tenancy import get_site
from igny8.tools.reports.report_page import Brand, html_to_pdf, render_report_html

MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
MAX_LOGO_BYTES = 500_000
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


class ReportRequestError(ValueError):
    """A report or brand request that cannot be served; the text says what to fix."""


def month_bounds(month: str) -> tuple[datetime, datetime]:
    match = MONTH.match(month.strip())
    if not match:
        raise ReportRequestError(f"--month must be YYYY-MM (for example 2026-11), not {month!r}")
    year, number = int(match.group(1)), int(match.group(2))
    start = datetime(year, number, 1, tzinfo=UTC)
    end = datetime(year + (number == 12), number % 12 + 1, 1, tzinfo=UTC)
    return start, end


def _output_format(out: Path) -> str:
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".html"):
        raise ReportRequestError(f"--out must end in .pdf or .html, not {out.name!r}")
    return suffix[1:]


def month_figures(database: Database, *, account_id: int, site_id: int, month: str) -> dict[str, Any]:
    """Everything the report shows, as JSON-ready values."""
    start, end = month_bounds(month)
    with database.connection() as conn:
        site = get_site(conn, account_id=account_id, site_id=site_id)
        history = reports_repo.health_series(conn, site_id=site_id, end=end)
        planned = reports_repo.blueprint_health(conn, site_id=site_id)
        pages = reports_repo.page_counts(conn, site_id=site_id, start=start, end=end)
        indexing = reports_repo.indexing_verdicts(conn, site_id=site_id)
        days = reports_repo.search_days(conn, site_id=site_id, start=start.date(), end=end.date())
        top = reports_repo.top_pages(conn, site_id=site_id, start=start.date(), end=end.date())
        backlinks = reports_repo.backlinks_gained(conn, site_id=site_id, start=start, end=end)
        credits = credit_accounts.credits_between(conn, site_id=site_id, start=start, end=end)
    impressions = sum(d["impressions"] for d in days)
    weighted = sum((d["position"] or 0) * d["impressions"] for d in days)
    current = history[-1]["score"] if history else planned
    return {
        "site": {"id": site.id, "name": site.name, "url": site.url},
        "month": month,
        "health": {
            "current": round(float(current), 1) if current is not None else None,
            "history": [
                {"day": h["computed_at"].date().isoformat(), "score": round(float(h["score"]), 1)} for h in history
            ],
        },
        "pages": pages,
        "links": {
            "internal_links": pages["internal_links"],
            "coverage_pct": round(100 * pages["linked_to"] / pages["written"], 1) if pages["written"] else 0.0,
        },
        "indexing": indexing,
        "search": {
            "clicks": sum(d["clicks"] for d in days),
            "impressions": impressions,
            "average_position": round(weighted / impressions, 1) if impressions else None,
            "days": [
                {
                    "date": d["date"].isoformat(),
                    "clicks": d["clicks"],
                    "impressions": d["impressions"],
                    "position": round(float(d["position"]), 2) if d["position"] is not None else None,
                }
                for d in days
            ],
            "top_pages": [
                {**p, "position": round(float(p["position"]), 1) if p["position"] is not None else None} for p in top
            ],
        },
        "backlinks": backlinks,
        "credits": {"total": sum(credits.values()), "by_operation": credits},
    }


def write_report(database: Database, *, account_id: int, site_id: int, month: str, out: Path) -> dict[str, Any]:
    """Render the month's report to ``out`` (.html or .pdf), record it, return its figures."""
    fmt = _output_format(out)
    figures = month_figures(database, account_id=account_id, site_id=site_id, month=month)
    with database.connection() as conn:
        brand = Brand.of(reports_repo.get_brand(conn, account_id=account_id))
    html = render_report_html(site_name=figures["site"]["name"], month=month, figures=figures, brand=brand)
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.partial")
    if fmt == "pdf":
        temporary.write_bytes(html_to_pdf(html))
    else:
        temporary.write_text(html, encoding="utf-8")
    temporary.replace(out)  # a reader never sees half a report
    with database.connection() as conn:
        reports_repo.record_report(
            conn, site_id=site_id, month=month, fmt=fmt, path=str(out.resolve()), figures=figures
        )
    return figures


def _logo_type(data: bytes) -> str:
    for magic, mime in LOGO_TYPES.items():
        if data.startswith(magic):
            return mime
    head = data[:500].lstrip().lower()
    if head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:2000].lower()):
        return "image/svg+xml"
    raise ReportRequestError("the logo must be a PNG, JPEG or SVG file")


def set_brand(
    database: Database,
    *,
    account_id: int,
    agency_name: str,
    primary_color: str,
    accent_color: str,
    logo: bytes | None = None,
) -> None:
    name = " ".join(agency_name.split())
    if not 1 <= len(name) <= 120:
        raise ReportRequestError("the agency name must be 1–120 characters")
    for label, value in (("primary", primary_color), ("accent", accent_color)):
        if not COLOR.match(value):
            raise ReportRequestError(f"the {label} colour must look like #1f3a5f, not {value!r}")
    mime = None
    if logo is not None:
        if not 0 < len(logo) <= MAX_LOGO_BYTES:
            raise ReportRequestError(f"the logo must be 1 byte to {MAX_LOGO_BYTES // 1000} kB")
        mime = _logo_type(logo)
    with database.connection() as conn:
        reports_repo.save_brand(
            conn,
            account_id=account_id,
            agency_name=name,
            logo=logo,
            logo_mime=mime,
            primary_color=primary_color.lower(),
            accent_color=accent_color.lower(),
        )


def list_site_reports(database: Database, *, account_id: int, site_id: int) -> list[dict[str, Any]]:
    with database.connection() as conn:
        get_site(conn, account_id=account_id, site_id=site_id)
        rows = reports_repo.list_reports(conn, site_id=site_id)
    return [{**r, "created_at": r["created_at"].isoformat()} for r in rows]


def previous_month(today: date) -> str:
    first = today.replace(day=1)
    return f"{first.year - (first.month == 1)}-{(first.month - 2) % 12 + 1:02d}"


def write_due_report(
    database: Database, *, account_id: int, site_id: int, reports_dir: Path, today: date
) -> Path | None:
    """The monthly schedule: last month's PDF report, once (the maintenance worker calls this on every run)."""
    month = previous_month(today)
    with database.connection() as conn:
        if reports_repo.has_report(conn, site_id=site_id, month=month, fmt="pdf"):
            return None
    out = reports_dir / f"site-{site_id}" / f"report-{month}.pdf"
    write_report(database, account_id=account_id, site_id=site_id, month=month, out=out)
    return out


def scheduled_monthly_report(database: Database, data_dir: Path, *, account_id: int, site_id: int) -> str | None:
    """For the maintenance worker: last month's report written once under ``<data dir>/reports``; the path,
    or None when it exists already. A failure is logged and told, never stops the maintenance run."""
    try:
        path = write_due_report(
            database, account_id=account_id, site_id=site_id, reports_dir=data_dir / "reports", today=date.today()
        )
    except Exception as exc:  # noqa: BLE001 - a report problem must not fail the site's maintenance
        logging.getLogger(__name__).warning("monthly report of site %s failed: %s", site_id, exc, exc_info=True)
        return f"the monthly report failed ({type(exc).__name__}); `igny8 report` shows why"
    return str(path) if path else None
