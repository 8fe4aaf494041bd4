"""Blueprint version 2 of a site with written pages: surviving slugs keep their page (kept, or rewritten in
place when the brief changed), new pages are written, dropped pages are flagged and never deleted."""

from igny8.services import Services
from igny8.workflows.pipeline_run import run_pipeline
from tests.dental_site import activate_version_without

LIMIT = 12


def _pages(runtime: Services, site: int) -> dict[str, dict]:
    with runtime.database.connection() as conn:
        rows = conn.execute(
            "SELECT c.id, c.slug, c.html, c.retired_in_version, t.brief FROM content c JOIN tasks t ON t.id = c.task_id"
            " WHERE c.site_id = %s",
            (site,),
        ).fetchall()
    return {r["slug"]: r for r in rows}


def _without_version(brief: dict) -> dict:
    return {k: v for k, v in brief.items() if k != "blueprint_version"}


def test_version_two_keeps_rewrites_adds_and_flags(runtime: Services, active_site: tuple[int, int]) -> None:
    account, site = active_site
    run_pipeline(runtime, account_id=account, site_id=site, limit=LIMIT)
    v1 = _pages(runtime, site)
    assert "braces" in v1

    assert activate_version_without(runtime, account, site, ["Braces"]) == 2

    result = run_pipeline(runtime, account_id=account, site_id=site, limit=LIMIT)
    v2 = _pages(runtime, site)

    assert v2["braces"]["id"] == v1["braces"]["id"], "a dropped page is never deleted"
    assert v2["braces"]["retired_in_version"] == 2
    assert result.counts["pages_retired"] >= 1

    current = {slug: page for slug, page in v2.items() if page["brief"]["blueprint_version"] == 2}
    survivors = [slug for slug in current if slug in v1]
    new = [slug for slug in current if slug not in v1]
    assert survivors and new, "version 2 both keeps slugs and plans new pages"
    with runtime.database.connection() as conn:
        revisions = {
            r["content_id"]: r
            for r in conn.execute(
                "SELECT content_id, html, blueprint_version FROM content_revisions WHERE content_id = ANY(%s)",
                ([p["id"] for p in v2.values()],),
            ).fetchall()
        }
        charges = conn.execute(
            "SELECT count(*) AS n FROM credit_ledger WHERE site_id = %s AND operation = 'content_generation'", (site,)
        ).fetchone()["n"]
    kept = rewritten = 0
    for slug in survivors:
        before, after = v1[slug], v2[slug]
        assert after["id"] == before["id"], "a surviving slug is the same page"
        assert after["retired_in_version"] is None
        if _without_version(before["brief"]) == _without_version(after["brief"]):
            kept += 1
            assert after["html"] == before["html"] and after["id"] not in revisions
        else:
            rewritten += 1
            assert revisions[after["id"]]["html"] == before["html"], "the replaced text is kept as a revision"
            assert revisions[after["id"]]["blueprint_version"] == 1
    assert kept and rewritten, "this edit keeps some briefs and changes others"
    assert result.counts["pages_kept"] == kept
    assert result.counts["pages_rewritten"] == rewritten
    assert result.counts["pages_written"] == rewritten + len(new)
    assert charges == LIMIT + rewritten + len(new), "a kept page costs no model call"

    again = run_pipeline(runtime, account_id=account, site_id=site, limit=LIMIT)
    assert again.counts["pages_written"] == 0 and _pages(runtime, site).keys() == v2.keys()


def test_a_published_page_rewritten_by_version_two_is_reviewed_again(
    runtime: Services, active_site: tuple[int, int]
) -> None:
    from igny8.memory.publish_records import mark_content_published

    account, site = active_site
    run_pipeline(runtime, account_id=account, site_id=site, limit=LIMIT)
    v1 = _pages(runtime, site)
    with runtime.database.connection() as conn:  # every page out on WordPress, as the REST publisher leaves it
        for number, page in enumerate(v1.values(), start=1):
            conn.execute(
                "INSERT INTO publish_records (content_id, site_id, wp_id, wp_type, payload_hash)"
                " VALUES (%s, %s, %s, 'pages', 'x')",
                (page["id"], site, number),
            )
            mark_content_published(conn, content_id=page["id"])
    activate_version_without(runtime, account, site, ["Braces"])
    result = run_pipeline(runtime, account_id=account, site_id=site, limit=LIMIT)
    assert result.counts["pages_rewritten"] > 0

    with runtime.database.connection() as conn:
        rows = conn.execute("SELECT id, status, meta FROM content WHERE site_id = %s", (site,)).fetchall()
    rewritten = [r for r in rows if r["meta"].get("pending_rewrite")]
    assert len(rewritten) == result.counts["pages_rewritten"]
    assert all(r["status"] in {"approved", "review"} for r in rewritten), "a new text is judged, not kept live"
    untouched = [r for r in rows if r["id"] in {p["id"] for p in v1.values()} and not r["meta"].get("pending_rewrite")]
    assert untouched and all(r["status"] == "published" for r in untouched)

    with runtime.database.connection() as conn:  # publishing the new text clears the mark
        mark_content_published(conn, content_id=rewritten[0]["id"])
        after = conn.execute("SELECT status, meta FROM content WHERE id = %s", (rewritten[0]["id"],)).fetchone()
    assert after["status"] == "published" and "pending_rewrite" not in after["meta"]
