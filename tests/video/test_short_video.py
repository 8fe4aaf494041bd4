"""A short video made in the test run, checked with ffprobe: 1080×1920, an audio stream, 30–90 s, and
subtitles whose cues fall inside the audio and follow the script's order; attached to its page."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import srt
import webvtt

from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.llm.embedder import FakeEmbedder
from igny8.llm.gateway import ModelGateway
from igny8.memory.database import Database
from igny8.services import Services
from igny8.stages.video import make_page_video, video_format
from igny8.tools.video.compose import probe
from igny8.workflows.pipeline_run import run_pipeline
from tests.dental_site import new_dental_site
from tests.video.article import article_html

pytestmark = [
    pytest.mark.video,
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed (make video-deps)"),
]


@pytest.fixture(scope="module")
def page(database: Database, tmp_path_factory: pytest.TempPathFactory) -> tuple[Services, int, int, str]:
    settings = Settings(
        data_dir=tmp_path_factory.mktemp("video"),
        embedder="fake",
        default_model="igny8-fake/lorem",
        environment="test",
        video_public_base_url="https://cdn.brightsmile.example/videos",
    )
    runtime = Services(settings, database, ModelGateway(settings, database), FakeEmbedder(), load_catalog())
    account, site = new_dental_site(runtime)
    run_pipeline(runtime, account_id=account, site_id=site, limit=1, stages=["ideas", "tasks", "content"])
    with database.connection() as conn:
        row = conn.execute(
            "UPDATE content SET html = %s, title = 'Dental Implants in Austin' WHERE site_id = %s RETURNING slug",
            (article_html(), site),
        ).fetchone()
    return runtime, account, site, row["slug"]


def test_a_short_video_is_vertical_narrated_in_range_and_subtitled_in_order(
    page: tuple[Services, int, int, str], tmp_path: Path
) -> None:
    runtime, account, site, slug = page
    steps: set[str] = set()
    made = make_page_video(
        runtime.database,
        runtime.settings,
        account_id=account,
        site_id=site,
        slug=slug,
        fmt=video_format("short"),
        out_dir=tmp_path,
        progress=lambda s, d, t: steps.add(s),
    )
    assert steps == {"voice", "slides", "video"}
    info = probe(made.path)
    video = [s for s in info["streams"] if s["codec_type"] == "video"]
    audio = [s for s in info["streams"] if s["codec_type"] == "audio"]
    assert len(video) == 1 and (video[0]["width"], video[0]["height"]) == (1080, 1920)
    assert len(audio) == 1 and audio[0]["codec_name"] == "aac"
    duration = float(info["format"]["duration"])
    audio_end = float(audio[0]["duration"])
    assert 30 <= duration <= 90 and abs(duration - made.duration_s) < 0.5

    cues = list(srt.parse(made.srt_path.read_text()))
    assert cues and all(c.start.total_seconds() < c.end.total_seconds() <= audio_end + 0.01 for c in cues)
    assert all(a.end <= b.start for a, b in zip(cues, cues[1:], strict=False))
    spoken = " ".join(c.content.replace("\n", " ") for c in cues)
    assert spoken == " ".join(made.script.narration.split())  # every word, in the script's order
    headings = [s.heading for s in made.script.segments[1:-1]]
    positions = [spoken.find(h) for h in headings if spoken.find(h) >= 0]
    assert positions == sorted(positions)
    vtt = webvtt.read(str(made.vtt_path))
    assert len(vtt.captions) == len(cues) and vtt.captions[0].text == cues[0].content

    with runtime.database.connection() as conn:
        meta = conn.execute("SELECT meta FROM content WHERE site_id = %s AND slug = %s", (site, slug)).fetchone()
        row = conn.execute("SELECT duration_s, width, height, voice FROM videos WHERE site_id = %s", (site,)).fetchone()
        charges = conn.execute(
            "SELECT operation, agent_role, prompt_tokens FROM credit_ledger WHERE site_id = %s AND operation = "
            "'video_script'",
            (site,),
        ).fetchall()
    ld = meta["meta"]["video"]["json_ld"]
    assert (
        ld["@type"] == "VideoObject" and ld["contentUrl"] == f"https://cdn.brightsmile.example/videos/{made.path.name}"
    )
    assert ld["duration"].startswith("PT") and ld["transcript"] == made.script.narration
    assert (row["width"], row["height"]) == (1080, 1920) and row["voice"].startswith("piper")
    assert json.dumps(ld)  # stored as JSON
    assert len(charges) == 1 and charges[0]["prompt_tokens"] == len(made.script.narration.split())
