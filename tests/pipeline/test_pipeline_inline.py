from pathlib import Path

import pytest

from igny8.memory.blueprints import get_blueprint
from igny8.memory.tenancy import create_account, create_site
from igny8.services import Services
from igny8.tools.content.content_structures import layout_for
from igny8.workflows.pipeline_run import PipelineOptionError, run_pipeline


def _counts(runtime: Services, site: int) -> dict:
    with runtime.database.connection() as conn:
        return conn.execute(
            "SELECT (SELECT count(*) FROM ideas WHERE site_id = %(s)s) AS ideas,"
            " (SELECT count(*) FROM tasks WHERE site_id = %(s)s) AS tasks,"
            " (SELECT count(*) FROM content WHERE site_id = %(s)s) AS content,"
            " (SELECT count(*) FROM images m JOIN content c ON c.id = m.content_id WHERE c.site_id = %(s)s) AS images,"
            " (SELECT count(*) FROM credit_ledger WHERE site_id = %(s)s AND operation = 'content_generation')"
            " AS charges",
            {"s": site},
        ).fetchone()


def test_pages_carry_their_structure_keywords_and_place(runtime: Services, active_site: tuple[int, int]) -> None:
    account, site = active_site
    result = run_pipeline(runtime, account_id=account, site_id=site, limit=12)
    assert result.counts["pages_written"] == 12
    with runtime.database.connection() as conn:
        blueprint = get_blueprint(conn, account_id=account, site_id=site)
        rows = conn.execute(
            "SELECT c.*, i.kind, i.priority_phase FROM content c JOIN tasks t ON t.id = c.task_id"
            " JOIN ideas i ON i.id = t.idea_id WHERE c.site_id = %s",
            (site,),
        ).fetchall()
    plan = {p.slug: p for p in blueprint.pages}
    assert {r["priority_phase"] for r in rows} == {1}, "the top pages by priority come first"
    for row in rows:
        page = plan[row["slug"]]
        meta = row["meta"]
        for section in layout_for(page.structure):
            assert f'<section id="{section.key}">' in row["html"], (page.structure, section.key)
        assert meta["target_keywords"] == page.target_keywords
        assert meta["cluster"] == page.cluster and meta["priority_phase"] == page.priority_phase
        assert meta["structure"] == page.structure and meta["content_type"] == page.content_type
        if page.cluster:
            assert meta["cluster_type"] == next(c.type for c in blueprint.clusters if c.slug == page.cluster)
    export = Path(runtime.settings.data_dir) / "exports" / f"site-{site}"
    assert (export / "index.html").exists()
    assert len(list((export / "pages").glob("*.html"))) == 12
    assert len(list((export / "images").glob("*.svg"))) == 24  # featured and in-article per page


def test_a_second_run_adds_nothing(runtime: Services, active_site: tuple[int, int]) -> None:
    account, site = active_site
    run_pipeline(runtime, account_id=account, site_id=site, limit=5)
    before = _counts(runtime, site)
    again = run_pipeline(runtime, account_id=account, site_id=site, limit=5)
    assert _counts(runtime, site) == before
    assert again.counts["pages_written"] == 0 and again.counts["ideas_added"] == 0
    assert before["charges"] == before["content"] == 5


def test_stage_selection_and_bad_options(runtime: Services, active_site: tuple[int, int]) -> None:
    account, site = active_site
    run_pipeline(runtime, account_id=account, site_id=site, limit=3, stages=["ideas", "tasks"])
    counts = _counts(runtime, site)
    assert (counts["ideas"], counts["tasks"], counts["content"]) == (3, 3, 0)
    with pytest.raises(PipelineOptionError, match="unknown stage deploy"):
        run_pipeline(runtime, account_id=account, site_id=site, stages=["deploy"])
    with pytest.raises(PipelineOptionError, match="at least 1"):
        run_pipeline(runtime, account_id=account, site_id=site, limit=0)


def test_stage_zero_refuses_without_an_active_blueprint(runtime: Services) -> None:
    with runtime.database.connection() as conn:
        account = create_account(conn, name="empty")
        site = create_site(
            conn,
            account_id=account,
            name="No plan",
            url=None,
            site_type="blog",
            industry="healthcare-medical",
            sectors=["dental-clinics"],
        ).id
    with pytest.raises(LookupError, match="no active blueprint"):
        run_pipeline(runtime, account_id=account, site_id=site)
