"""Stage 9: a narrated video per page in the site's chosen format, attached to the page with its VideoObject
JSON-LD (and offered to the page's social posts through its public URL). A page whose video cannot be made is
reported and the others go on: nothing here blocks publishing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from igny8.config import Settings
from igny8.llm.credits import Usage, record_usage
from igny8.memory import social_repo, video_repo
from igny8.memory.database import Database
from igny8.memory.tenancy import get_site
from igny8.stages.social import page_version
from igny8.tools.seo.html_fragment import page_text
from igny8.tools.video.compose import CompositionFailed, FfmpegMissing
from igny8.tools.video.maker import MadeVideo, PageForVideo, VideoDoesNotFit, make_video
from igny8.tools.video.script import FORMATS, LANDSCAPE_MEDIUM, VideoFormat
from igny8.tools.video.voice import VoiceUnavailable, voice_for

Progress = Callable[[str, float, float], None]
VIDEO_ERRORS = (VoiceUnavailable, FfmpegMissing, CompositionFailed, VideoDoesNotFit)


def video_format(name: str, *, landscape: bool = False) -> VideoFormat:
    if name not in FORMATS:
        raise ValueError(f"unknown video format {name!r}; formats are {', '.join(FORMATS)}")
    if landscape and name == "short":
        raise ValueError("the short format is 9:16 only; --landscape is for medium (long is always 16:9)")
    return LANDSCAPE_MEDIUM if landscape and name == "medium" else FORMATS[name]


def videos_dir(settings: Settings, site_id: int) -> Path:
    return settings.data_dir / "videos" / f"site-{site_id}"


def make_page_video(
    database: Database,
    settings: Settings,
    *,
    account_id: int,
    site_id: int,
    slug: str,
    fmt: VideoFormat,
    out_dir: Path | None = None,
    progress: Progress = lambda step, done, total: None,
) -> MadeVideo:
    """Make the page's video of ``fmt`` (replacing one made before) and attach it to the page."""
    with database.connection() as conn:
        site = get_site(conn, account_id=account_id, site_id=site_id)
        row = video_repo.page_for_video(conn, site_id=site_id, slug=slug)
        if row is None:
            raise LookupError(
                f"site {site_id} has no page {slug!r}: `igny8 optimize score --site {site_id}` lists them"
            )
        pictures = [p for p in video_repo.image_paths_of(conn, content_id=row["id"]) if not p.endswith(".svg")]
    text = page_text(row["html"])
    page = PageForVideo(
        title=row["title"],
        slug=row["slug"],
        html=row["html"],
        url=row.get("wp_link") or f"/{row['slug']}/",
        description=row["meta"].get("meta_description") or text[:300],
        picture=pictures[0] if pictures else None,
    )
    made = make_video(
        page,
        fmt,
        out_dir or videos_dir(settings, site_id),
        voice=voice_for(settings.video_voice),
        site_name=site.name,
        fps=settings.video_fps,
        public_base_url=settings.video_public_base_url,
        progress=progress,
    )
    # Metered at the plan's video_script rate on the narration's words, once per page version and format.
    usage = Usage("video_script", "video", made.voice, len(made.script.narration.split()), 0)
    with database.connection() as conn:
        video_repo.save_video(conn, site_id=site_id, content_id=row["id"], video=made.record(fmt.name))
        record_usage(
            conn,
            usage,
            account_id=account_id,
            site_id=site_id,
            idempotency_key=f"video:{row['id']}:{fmt.name}:{fmt.width}x{fmt.height}:{page_version(row)}",
        )
    return made


@dataclass
class VideoRun:
    made: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    skipped: str | None = None


def make_site_videos(
    database: Database,
    settings: Settings,
    *,
    account_id: int,
    site_id: int,
    progress: Callable[[str, int, int], None] = lambda stage, done, total: None,
) -> VideoRun:
    """The pipeline's stage 9: a video for each approved or published page without one, in the site's format."""
    with database.connection() as conn:
        choice = social_repo.promotion_choice(conn, site_id=site_id)
        if choice is None or choice.video_format is None:
            return VideoRun(skipped="no video format chosen (`igny8 social choose --site S --video short`)")
        slugs = video_repo.pages_without_video(conn, site_id=site_id, video_format=choice.video_format)
    run = VideoRun()
    fmt = video_format(choice.video_format)
    for done, slug in enumerate(slugs, start=1):
        try:
            make_page_video(database, settings, account_id=account_id, site_id=site_id, slug=slug, fmt=fmt)
        except VIDEO_ERRORS as exc:
            run.failures.append(f"{slug}: {exc}")
        else:
            run.made.append(slug)
        progress("video", done, len(slugs))
    return run


def run_video_stage(
    database: Database,
    settings: Settings,
    *,
    account_id: int,
    site_id: int,
    progress: Callable[[str, int, int], None] = lambda stage, done, total: None,
) -> dict[str, Any]:
    """The pipeline's stage 9 as a graph update: counts and one log line."""
    run = make_site_videos(database, settings, account_id=account_id, site_id=site_id, progress=progress)
    if run.skipped:
        return {"log": [f"video: {run.skipped}"]}
    return {
        "counts": {"videos_made": len(run.made), "video_failures": len(run.failures)},
        "log": [f"video: {len(run.made)} made, {len(run.failures)} failed"] + run.failures[:5],
    }
