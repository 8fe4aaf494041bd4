"""Images for pages: a title card rendered locally as SVG from the prompt (the embedded default), or a
real image model through LiteLLM's image generation when one is configured."""

from __future__ import annotations

import base64
import hashlib
import html
import textwrap
from pathlib import Path

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


def render_svg_card(prompt: str, title: str, width: int = 1200, height: int = 630) -> str:
    digest = int(hashlib.sha256(prompt.encode()).hexdigest(), 16)
    dark, light = PALETTE[digest % len(PALETTE)]
    lines = textwrap.wrap(title, width=28)[:4]
    text = "".join(
        f'<text x="80" y="{200 + i * 84}" font-size="64" font-family="Georgia, serif" fill="#fff">'
        f"{html.escape(line)}</text>"
        for i, line in enumerate(lines)
    )
    caption = html.escape(textwrap.shorten(prompt, 110))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}"'
        f' role="img" aria-label="{html.escape(title)}">'
        f'<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="{dark}"/>'
        f'<stop offset="1" stop-color="{light}"/></linearGradient></defs>'
        f'<rect width="100%" height="100%" fill="url(#g)"/>{text}'
        f'<text x="80" y="{height - 60}" font-size="22" font-family="sans-serif" fill="#e0e0e0">{caption}</text>'
        "</svg>"
    )


def render_image(prompt: str, title: str, target: Path, image_model: str | None = None) -> Path:
    """Write the image for ``prompt`` under ``target`` (suffix chosen here); returns the file written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    if image_model:
        import litellm

        response = litellm.image_generation(model=image_model, prompt=prompt, response_format="b64_json")
        data = response.data[0]
        path = target.with_suffix(".png")
        path.write_bytes(base64.b64decode(data["b64_json"] if isinstance(data, dict) else data.b64_json))
        return path
    path = target.with_suffix(".svg")
    path.write_text(render_svg_card(prompt, title), encoding="utf-8")
    return path
