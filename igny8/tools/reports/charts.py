"""Charts as inline SVG, drawn from numbers (no script, no external file): a line chart and a bar chart.

The SVG is self-contained so the same markup shows in a browser, in an e-mail client and in WeasyPrint's PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 26, 34


@dataclass(frozen=True, slots=True)
class Point:
    label: str
    value: float


def _scale(values: Sequence[float], *, floor_zero: bool) -> tuple[float, float]:
    low = min(values) if values else 0.0
    high = max(values) if values else 1.0
    if floor_zero:
        low = min(0.0, low)
    if high - low < 1e-9:
        high = low + 1.0
    return low, high


def _frame(title: str, body: list[str], low: float, high: float, *, inverted: bool) -> str:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}"'
        f' role="img" aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
        f'<text x="{LEFT}" y="13" font-size="11" font-weight="bold" fill="#1d232b">{escape(title)}</text>',
    ]
    for step in range(5):  # grid lines with their values
        y = TOP + plot_h * step / 4
        value = (low + (high - low) * step / 4) if inverted else (high - (high - low) * step / 4)
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#e3e6ea"/>')
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="#5b6470">{value:,.4g}</text>'
        )
    parts.extend(body)
    parts.append("</svg>")
    return "".join(parts)


def _x(index: int, count: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span * (index + 0.5) / count if count else span / 2)


def _labels(points: Sequence[Point]) -> list[str]:
    every = max(1, len(points) // 8)
    return [
        f'<text x="{_x(i, len(points)):.1f}" y="{HEIGHT - 12}" font-size="10" text-anchor="middle"'
        f' fill="#5b6470">{escape(p.label)}</text>'
        for i, p in enumerate(points)
        if i % every == 0 or i == len(points) - 1
    ]


def line_chart(title: str, points: Sequence[Point], *, color: str, inverted: bool = False) -> str:
    """A line through the points; ``inverted`` puts low values at the top (search positions: 1 is best)."""
    if not points:
        return empty_chart(title)
    low, high = _scale([p.value for p in points], floor_zero=not inverted)
    plot_h = HEIGHT - TOP - BOTTOM

    def y(value: float) -> float:
        share = (value - low) / (high - low)
        return TOP + plot_h * (share if inverted else 1 - share)

    coords = [(_x(i, len(points)), y(p.value)) for i, p in enumerate(points)]
    path = " ".join(f"{x:.1f},{yy:.1f}" for x, yy in coords)
    body = [f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2.5"/>']
    body += [f'<circle cx="{x:.1f}" cy="{yy:.1f}" r="3" fill="{color}"/>' for x, yy in coords]
    return _frame(title, body + _labels(points), low, high, inverted=inverted)


def bar_chart(title: str, points: Sequence[Point], *, color: str) -> str:
    if not points:
        return empty_chart(title)
    low, high = _scale([p.value for p in points], floor_zero=True)
    plot_h = HEIGHT - TOP - BOTTOM
    width = max(2.0, (WIDTH - LEFT - RIGHT) / len(points) * 0.7)
    body = []
    for i, point in enumerate(points):
        top = TOP + plot_h * (1 - (point.value - low) / (high - low))
        body.append(
            f'<rect x="{_x(i, len(points)) - width / 2:.1f}" y="{top:.1f}" width="{width:.1f}"'
            f' height="{TOP + plot_h - top:.1f}" fill="{color}"><title>{escape(point.label)}: {point.value:,.0f}'
            "</title></rect>"
        )
    return _frame(title, body + _labels(points), low, high, inverted=False)


def empty_chart(title: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} 60" width="{WIDTH}" height="60" role="img"'
        f' aria-label="{escape(title)}" class="chart"><text x="{LEFT}" y="13" font-size="11" font-weight="bold"'
        f' fill="#1d232b">{escape(title)}</text><text x="{WIDTH / 2}" y="40" font-size="12" text-anchor="middle"'
        ' fill="#5b6470">no data for this month yet</text></svg>'
    )
