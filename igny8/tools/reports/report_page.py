"""The monthly report as one self-contained HTML page (charts inline, logo as a data URI), and as a PDF.

The agency's brand replaces ours everywhere: its name, logo and two colours. Every value that reaches the page
is escaped by Jinja's autoescape; the logo is shown through ``<img>`` (an SVG there runs no script)."""

from __future__ import annotations

import base64
import calendar
import logging
from dataclasses import dataclass
from importlib import resources
from typing import Any

from jinja2 import Environment, StrictUndefined, select_autoescape
from markupsafe import Markup

from igny8.tools.reports.charts import Point, bar_chart, line_chart

DEFAULT_BRAND = {"agency_name": "IGNY8", "primary_color": "#1f3a5f", "accent_color": "#e07a2e"}


@dataclass(frozen=True, slots=True)
class Brand:
    agency_name: str
    primary_color: str
    accent_color: str
    logo: bytes | None = None
    logo_mime: str | None = None

    @classmethod
    def of(cls, row: dict[str, Any] | None) -> Brand:
        if row is None:
            return cls(**DEFAULT_BRAND)
        return cls(
            row["agency_name"],
            row["primary_color"],
            row["accent_color"],
            bytes(row["logo"]) if row.get("logo") else None,
            row.get("logo_mime"),
        )

    def logo_uri(self) -> str | None:
        if not self.logo or not self.logo_mime:
            return None
        return f"data:{self.logo_mime};base64,{base64.b64encode(self.logo).decode('ascii')}"


def css_string(value: str) -> Markup:
    """``value`` for the inside of a double-quoted CSS string in a <style> block: every character that is not a
    letter, digit, space or harmless punctuation becomes a CSS escape, so it can neither end the string nor the
    style element (HTML escaping does not apply there: ``&lt;`` would be printed as it is)."""
    return Markup("".join(ch if ch.isalnum() or ch in " .,-_·" else f"\\{ord(ch):x} " for ch in value))


def _environment() -> Environment:
    environment = Environment(autoescape=select_autoescape(default=True), undefined=StrictUndefined, trim_blocks=True)
    environment.filters["css_string"] = css_string
    return environment


def month_label(month: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return f"{calendar.month_name[number]} {year}"


def report_charts(figures: dict[str, Any], brand: Brand) -> dict[str, str]:
    health = [Point(h["day"][5:10], h["score"]) for h in figures["health"]["history"]]
    days = figures["search"]["days"]
    credits = [Point(op.replace("_", " "), n) for op, n in figures["credits"]["by_operation"].items()]
    clicks = [Point(d["date"][8:10], d["clicks"]) for d in days]
    return {
        "health": line_chart("Health score over time", health, color=brand.primary_color),
        "clicks": bar_chart("Clicks per day", clicks, color=brand.accent_color),
        "position": line_chart(
            "Average position per day (1 is the top)",
            [Point(d["date"][8:10], d["position"]) for d in days if d["position"] is not None],
            color=brand.primary_color,
            inverted=True,
        ),
        "credits": bar_chart("Credits used by operation", credits, color=brand.primary_color),
    }


def render_report_html(*, site_name: str, month: str, figures: dict[str, Any], brand: Brand) -> str:
    template_text = resources.files(__package__).joinpath("templates/report.html").read_text(encoding="utf-8")
    template = _environment().from_string(template_text)
    return template.render(
        site={"name": site_name},
        month_label=month_label(month),
        figures=figures,
        brand=brand,
        logo_uri=brand.logo_uri(),
        charts=report_charts(figures, brand),
    )


def html_to_pdf(html: str) -> bytes:
    """The page printed to PDF by WeasyPrint, offline: only ``data:`` URLs (the logo) are read, nothing is fetched."""
    from weasyprint import HTML  # imported here: it loads pango, which only reports need
    from weasyprint.urls import URLFetcher

    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return HTML(string=html, url_fetcher=URLFetcher(allowed_protocols=("data",))).write_pdf()
