"""The VideoObject JSON-LD of a page's video (schema.org, with Google's required name, thumbnailUrl and
uploadDate, and duration, contentUrl, description and transcript where known)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def iso_duration(seconds: float) -> str:
    total = round(seconds)
    minutes, secs = divmod(total, 60)
    return f"PT{minutes}M{secs}S" if minutes else f"PT{secs}S"


def video_object(
    *,
    name: str,
    description: str,
    duration_s: float,
    content_url: str,
    thumbnail_url: str,
    transcript: str,
    uploaded: datetime | None = None,
) -> dict[str, Any]:
    return {
        "@context": "https://schema.org",
        "@type": "VideoObject",
        "name": name,
        "description": description[:5000],
        "thumbnailUrl": [thumbnail_url],
        "uploadDate": (uploaded or datetime.now(UTC)).isoformat(timespec="seconds"),
        "duration": iso_duration(duration_s),
        "contentUrl": content_url,
        "transcript": transcript,
    }
