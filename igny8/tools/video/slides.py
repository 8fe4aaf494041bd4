"""Slides drawn with Pillow: a title card (over the page's own picture when it has a raster one), one slide
per key point, and the call-to-action card. Slides are drawn a little larger than the video so that the
composition can drift across them (the gentle motion)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont, ImageOps, UnidentifiedImageError

from igny8.tools.video.script import Segment

MOTION_MARGIN = 1.08  # a slide is this much larger than the frame; the camera drifts over the difference
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/truetype/liberation"))
BACKGROUNDS = {
    "hook": ((16, 42, 67), (33, 97, 140)),
    "point": ((24, 24, 32), (52, 58, 78)),
    "cta": ((110, 30, 60), (200, 70, 90)),
}


@lru_cache(maxsize=16)
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    names = (
        ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf") if bold else ("DejaVuSans.ttf", "LiberationSans-Regular.ttf")
    )
    for folder in FONT_DIRS:
        for name in names:
            if (folder / name).exists():
                return ImageFont.truetype(str(folder / name), size)
    return ImageFont.load_default(size=size)


def _gradient(size: tuple[int, int], top: tuple[int, int, int], bottom: tuple[int, int, int]) -> Image.Image:
    column = Image.new("RGB", (1, 256))
    for y in range(256):
        column.putpixel((0, y), tuple(int(top[i] + (bottom[i] - top[i]) * y / 255) for i in range(3)))
    return column.resize(size)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.ImageFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _picture(path: str | None, size: tuple[int, int]) -> Image.Image | None:
    if not path or not Path(path).is_file():
        return None
    try:
        with Image.open(path) as picture:
            return ImageOps.fit(picture.convert("RGB"), size)
    except (UnidentifiedImageError, OSError):  # an SVG title card or a broken file: draw without it
        return None


def draw_slide(
    segment: Segment, path: Path, *, width: int, height: int, index: int, total: int, picture: str | None = None
) -> Path:
    size = (int(width * MOTION_MARGIN), int(height * MOTION_MARGIN))
    canvas = _gradient(size, *BACKGROUNDS[segment.kind])
    draw = ImageDraw.Draw(canvas)
    margin = int(size[0] * 0.1)
    y = int(size[1] * 0.18)
    image = _picture(picture, (size[0] - 2 * margin, int(size[1] * 0.3))) if segment.kind == "hook" else None
    if image is not None:
        canvas.paste(image, (margin, y))
        y += image.height + int(size[1] * 0.04)
    heading_font = _font(max(36, size[0] // 14), bold=True)
    for line in _wrap(draw, segment.heading, heading_font, size[0] - 2 * margin)[:5]:
        draw.text((margin, y), line, font=heading_font, fill=(255, 255, 255))
        y += int(heading_font.size * 1.25)
    if segment.kind == "point":
        label_font = _font(max(24, size[0] // 30), bold=False)
        draw.text((margin, int(size[1] * 0.1)), f"{index} / {total}", font=label_font, fill=(200, 210, 230))
    canvas.save(path, "PNG", optimize=False)
    return path
