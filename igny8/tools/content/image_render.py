"""Images for pages: a title card rendered locally as SVG (the embedded default), or a real image model
through the model gateway when one is configured (``IGNY8_IMAGE_MODEL``).

The card shows the page title and its cluster, never the image prompt: a prompt is an instruction to a
model ("clean, friendly, editorial style"), and printed on a published picture it reads as a leak.
"""

from __future__ import annotations

import hashlib
import html
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from igny8.llm.gateway import Meter, ModelGateway

PALETTE = [
    ("#0f4c81", "#4f9dde"),
    ("#1b5e20", "#66bb6a"),
    ("#4a148c", "#ab47bc"),
    ("#bf360c", "#ff8a65"),
    ("#004d40", "#26a69a"),
    ("#263238", "#78909c"),
]


def image_prompts(title: str, cluster: str | None, first_heading: str | None) -> dict[str, str]:
    topic = cluster or title
    prompts = {"featured": f"Title card for the page '{title}' about {topic}: clean, friendly, editorial style"}
    if first_heading:
        prompts["in_article"] = f"Simple diagram illustrating '{first_heading}' for a page about {topic}"
    return prompts


def render_svg_card(
    title: str, *, subtitle: str | None = None, seed: str = "", width: int = 1200, height: int = 630
) -> str:
    """A gradient card with ``title`` (and ``subtitle``, e.g. the cluster name). ``seed`` only picks the
    colours, so two images of one page (featured, in-article) differ; it is never drawn."""
    digest = int(hashlib.sha256((seed or title).encode()).hexdigest(), 16)
    dark, light = PALETTE[digest % len(PALETTE)]
    lines = textwrap.wrap(title, width=28)[:4]
    text = "".join(
        f'<text x="80" y="{200 + i * 84}" font-size="64" font-family="Georgia, serif" fill="#fff">'
        f"{html.escape(line)}</text>"
        for i, line in enumerate(lines)
    )
    caption = (
        f'<text x="80" y="{height - 60}" font-size="28" font-family="sans-serif" fill="#e0e0e0">'
        f"{html.escape(textwrap.shorten(subtitle, 60))}</text>"
        if subtitle
        else ""
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="{html.escape(title)}">'
        f'<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="{dark}"/>'
        f'<stop offset="1" stop-color="{light}"/></linearGradient></defs>'
        f'<rect width="100%" height="100%" fill="url(#g)"/>{text}{caption}'
        "</svg>"
    )


def render_image(
    prompt: str,
    title: str,
    target: Path,
    *,
    gateway: ModelGateway | None = None,
    meter: Meter | None = None,
    subtitle: str | None = None,
) -> Path:
    """Write the image for ``prompt`` under ``target`` (suffix chosen here); returns the file written.

    With a gateway whose settings name an image model, the model draws it (guarded and charged by the
    gateway, once per ``meter``'s key); otherwise a title card is rendered and nothing is charged.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if gateway is not None and gateway.image_model() is not None:
        image = gateway.image(prompt, operation="image_generation", meter=meter)
        path = target.with_suffix(".png")
        path.write_bytes(image.data)
        return path
    path = target.with_suffix(".svg")
    path.write_text(render_svg_card(title, subtitle=subtitle, seed=prompt), encoding="utf-8")
    return path
