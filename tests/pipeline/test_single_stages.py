"""Each stage run on its own does its work (`--stages X`): no stage depends on another being chosen in the
same run, only on what earlier runs stored."""

from pathlib import Path

from igny8.graphs.pipeline import STAGES, build_graph
from igny8.services import Services
from igny8.workflows.pipeline_run import run_pipeline


def _count(runtime: Services, sql: str, site: int) -> int:
    with runtime.database.connection() as conn:
        return int(conn.execute(sql, {"s": site}).fetchone()["n"])


IDEAS = "SELECT count(*) AS n FROM ideas WHERE site_id = %(s)s"
TASKS = "SELECT count(*) AS n FROM tasks WHERE site_id = %(s)s"
PAGES = "SELECT count(*) AS n FROM content WHERE site_id = %(s)s"
LINKS = "SELECT count(*) AS n FROM links WHERE site_id = %(s)s"
SCHEMA = "SELECT count(*) AS n FROM content WHERE site_id = %(s)s AND html LIKE '%%application/ld+json%%'"
IMAGES = (
    "SELECT count(*) AS n FROM images m JOIN content c ON c.id = m.content_id"
    " WHERE c.site_id = %(s)s AND m.path IS NOT NULL"
)
REVIEWED = "SELECT count(*) AS n FROM content WHERE site_id = %(s)s AND status IN ('approved', 'review')"


def test_every_stage_alone_does_its_work(runtime: Services, active_site: tuple[int, int]) -> None:
    account, site = active_site
    limit = 4

    def run(stage: str):  # type: ignore[no-untyped-def]
        return run_pipeline(runtime, account_id=account, site_id=site, limit=limit, stages=[stage])

    result = run("ideas")
    assert _count(runtime, IDEAS, site) == limit and _count(runtime, TASKS, site) == 0
    assert result.counts["ideas_added"] == limit

    result = run("tasks")
    assert _count(runtime, TASKS, site) == limit and _count(runtime, PAGES, site) == 0
    assert result.counts["tasks_added"] == limit

    result = run("content")
    assert result.counts["pages_written"] == limit
    assert _count(runtime, PAGES, site) == limit and _count(runtime, LINKS, site) == 0

    result = run("links")
    assert result.counts["links_added"] > 0
    assert _count(runtime, LINKS, site) == result.counts["links_added"]
    assert _count(runtime, SCHEMA, site) == 0

    result = run("schema")
    assert result.counts["schema_blocks"] > 0 and _count(runtime, SCHEMA, site) == limit
    assert _count(runtime, IMAGES, site) == 0

    result = run("images")
    assert result.counts["images"] == 2 * limit and _count(runtime, IMAGES, site) == 2 * limit
    assert _count(runtime, REVIEWED, site) == 0

    result = run("review")
    assert _count(runtime, REVIEWED, site) == limit
    assert Path(result.counts["preview"]).is_file()

    result = run("publish")
    assert any("no WordPress connection" in line for line in result.log)


def test_the_graph_has_one_node_per_stage_in_order() -> None:
    """A snapshot of the topology: the stage table is the only place that names and orders the nodes."""
    mermaid = build_graph().get_graph().draw_mermaid()
    chain = ["__start__", "check_blueprint", *STAGES, "__end__"]
    for source, target in zip(chain, chain[1:], strict=False):
        assert f"{source} --> {target};" in mermaid, (source, target)
    assert STAGES == ("ideas", "tasks", "content", "links", "schema", "images", "review", "publish", "video", "social")
