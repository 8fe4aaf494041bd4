"""Stage 7 against a real WordPress: a pipeline-built site is published, re-published, partly refused and
refused outright, and every claim is checked through WordPress's own REST API."""

from __future__ import annotations

import struct
import time
import zlib
from pathlib import Path
from typing import Any

import httpx
import pytest

from igny8.domain.blueprint import Blueprint
from igny8.memory.blueprints import get_blueprint
from igny8.services import Services
from igny8.stages.publish import (
    WP_TYPE_FOR_CONTENT,
    PublishResult,
    publish_site,
    save_wordpress_connection,
    wordpress_client_for_site,
)
from igny8.tools.integrations.wordpress_client import WordPressAuthError, WordPressUnreachable
from igny8.workflows.pipeline_run import run_pipeline
from tests.wordpress.testbed import WordPressTestbed, free_ports

# Phase 1 (hubs, service pages, term pages), the phase-2 hubs, then the first supporting posts.
PAGES_WITH_POSTS = 66


def _build(runtime: Services, site: tuple[int, int], limit: int) -> Blueprint:
    account, site_id = site
    run_pipeline(runtime, account_id=account, site_id=site_id, limit=limit)
    with runtime.database.connection() as conn:
        conn.execute("UPDATE content SET status = 'approved' WHERE site_id = %s", (site_id,))
        return get_blueprint(conn, account_id=account, site_id=site_id)


def _connect(
    runtime: Services, site: tuple[int, int], wordpress: WordPressTestbed, password: str | None = None
) -> None:
    with runtime.database.connection() as conn:
        save_wordpress_connection(
            conn,
            account_id=site[0],
            site_id=site[1],
            base_url=wordpress.base_url,
            username=wordpress.username,
            application_password=password or wordpress.application_password,
        )


def _publish(runtime: Services, site: tuple[int, int], blueprint: Blueprint, **options: Any) -> PublishResult:
    with runtime.database.connection() as conn:
        client = wordpress_client_for_site(conn, account_id=site[0], site_id=site[1])
    with client:
        return publish_site(
            runtime.database, account_id=site[0], site_id=site[1], blueprint=blueprint, client=client, **options
        )


def _rest(wordpress: WordPressTestbed) -> httpx.Client:
    """An independent view of the site, to check what the publisher claims."""
    return httpx.Client(
        base_url=f"{wordpress.base_url}/wp-json", timeout=30, auth=(wordpress.username, wordpress.application_password)
    )


def _total(rest: httpx.Client, wp_type: str) -> int:
    """How many posts, pages or media the site has, in any status but trash."""
    status = "inherit,private" if wp_type == "media" else "publish,draft,pending,private,future"
    response = rest.get(f"/wp/v2/{wp_type}", params={"status": status, "per_page": 1, "context": "edit"})
    response.raise_for_status()
    return int(response.headers["X-WP-Total"])


def _content(runtime: Services, site_id: int) -> list[dict[str, Any]]:
    with runtime.database.connection() as conn:
        return conn.execute(
            "SELECT c.id, c.task_id, c.slug, c.title, c.html, c.status, c.meta, r.wp_id, r.wp_type, r.wp_link"
            " FROM content c LEFT JOIN publish_records r ON r.content_id = c.id WHERE c.site_id = %s ORDER BY c.id",
            (site_id,),
        ).fetchall()


def _png() -> bytes:
    width = height = 16
    raw = b"".join(b"\x00" + b"\x0f\x4c\x81" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_a_pipeline_built_site_is_published_with_taxonomies_terms_media_and_meta(
    runtime: Services, active_site: tuple[int, int], wordpress: WordPressTestbed
) -> None:
    account, site_id = active_site
    blueprint = _build(runtime, active_site, PAGES_WITH_POSTS)
    held_back = _content(runtime, site_id)[:2]
    with runtime.database.connection() as conn:
        conn.execute("UPDATE content SET status = 'review' WHERE id = ANY(%s)", ([r["id"] for r in held_back],))
    _connect(runtime, active_site, wordpress)

    started = time.perf_counter()
    result = _publish(runtime, active_site, blueprint)
    seconds = time.perf_counter() - started
    print(
        f"\npublished {result.created} pages to a real WordPress in {seconds:.2f}s "
        f"(WordPress came up in {wordpress.start_seconds:.2f}s)"
    )

    rows = _content(runtime, site_id)
    published = [r for r in rows if r["id"] not in {h["id"] for h in held_back}]
    assert result.failures == [] and result.warnings == []
    assert (result.created, result.updated, result.skipped) == (len(published), 0, 0)
    assert {r["status"] for r in published} == {"published"}
    assert [r["status"] for r in rows if r["wp_id"] is None] == ["review", "review"], "review pages wait"
    kinds = {r["meta"]["content_type"] for r in published}
    assert kinds == {"post", "page", "taxonomy"}, kinds

    rest = _rest(wordpress)
    # The blueprint's taxonomies, registered by the plugin with show_in_rest, hold every attribute value.
    registered = rest.get("/wp/v2/taxonomies", params={"context": "edit"}).json()
    rest_bases, term_ids = {}, {}
    for taxonomy in blueprint.taxonomy:
        assert taxonomy.slug in registered, f"taxonomy {taxonomy.slug} missing"
        assert registered[taxonomy.slug]["hierarchical"] is taxonomy.hierarchical
        rest_bases[taxonomy.attribute] = registered[taxonomy.slug]["rest_base"]
        terms = rest.get(f"/wp/v2/{rest_bases[taxonomy.attribute]}", params={"per_page": 100}).json()
        assert sorted(t["slug"] for t in terms) == sorted(t.slug for t in taxonomy.terms)
        by_slug = {t["slug"]: t["id"] for t in terms}
        term_ids |= {(taxonomy.attribute, term.value): by_slug[term.slug] for term in taxonomy.terms}
    with runtime.database.connection() as conn:
        client = wordpress_client_for_site(conn, account_id=account, site_id=site_id)
    with client:
        health = client.plugin_health()
    assert sorted(health["taxonomies"]) == sorted(t.slug for t in blueprint.taxonomy)

    # Posts for posts, pages for pages and term pages; nothing else on the site.
    assert _total(rest, "posts") == sum(WP_TYPE_FOR_CONTENT[r["meta"]["content_type"]] == "posts" for r in published)
    assert _total(rest, "pages") == sum(WP_TYPE_FOR_CONTENT[r["meta"]["content_type"]] == "pages" for r in published)
    categories = {c["slug"]: c["id"] for c in rest.get("/wp/v2/categories", params={"per_page": 100}).json()}
    plan = {p.slug: p for p in blueprint.pages}
    assignments = 0
    for row in published:
        item = rest.get(f"/wp/v2/{row['wp_type']}/{row['wp_id']}", params={"context": "edit"}).json()
        assert row["wp_type"] == WP_TYPE_FOR_CONTENT[row["meta"]["content_type"]]
        assert (item["slug"], item["status"], item["title"]["raw"]) == (row["slug"], "publish", row["title"])
        assert item["meta"] == {
            "igny8_content_id": row["id"],
            "igny8_task_id": row["task_id"],
            "igny8_cluster": row["meta"]["cluster"] or "",
            "igny8_blueprint_version": blueprint.version,
        }
        assert "<h1>" not in item["content"]["raw"] and row["html"].split("</h1>\n", 1)[1] in item["content"]["raw"]
        media = rest.get(f"/wp/v2/media/{item['featured_media']}").json()
        assert media["mime_type"] == "image/svg+xml" and media["alt_text"] == row["title"]
        for attribute, value in plan[row["slug"]].attribute_values.items():
            attribute = attribute.removesuffix("#2")
            assert term_ids[attribute, value] in item[rest_bases[attribute]], (row["slug"], attribute, value)
            assignments += 1
        if row["wp_type"] == "posts":
            assert item["categories"] == [categories[row["meta"]["cluster"]]]

    assert assignments > len(published) // 2, "most pages stand on attribute values and carry their terms"

    # The pretty permalink serves the page through the theme.
    page = httpx.get(published[0]["wp_link"], timeout=30)
    assert page.status_code == 200 and published[0]["title"].split(":")[0] in page.text


def test_republishing_updates_in_place_and_never_duplicates(
    runtime: Services, active_site: tuple[int, int], wordpress: WordPressTestbed
) -> None:
    account, site_id = active_site
    blueprint = _build(runtime, active_site, 8)
    _connect(runtime, active_site, wordpress)
    first = _publish(runtime, active_site, blueprint)
    rows = _content(runtime, site_id)
    ids = {r["id"]: (r["wp_type"], r["wp_id"]) for r in rows}
    rest = _rest(wordpress)
    totals = (_total(rest, "posts"), _total(rest, "pages"), _total(rest, "media"))
    assert first.created == len(rows) == totals[1] and totals[2] == len(rows)

    unchanged = _publish(runtime, active_site, blueprint)
    assert (unchanged.created, unchanged.updated, unchanged.skipped) == (0, 0, len(rows))

    edited = rows[0]
    new_html = edited["html"].replace("</article>", "<p>Updated opening hours: now open on Saturdays.</p>\n</article>")
    with runtime.database.connection() as conn:
        conn.execute("UPDATE content SET html = %s WHERE id = %s", (new_html, edited["id"]))
    again = _publish(runtime, active_site, blueprint)
    assert (again.created, again.updated, again.skipped, again.failures) == (0, 1, len(rows) - 1, [])
    item = rest.get(f"/wp/v2/pages/{edited['wp_id']}", params={"context": "edit"}).json()
    assert "now open on Saturdays" in item["content"]["raw"]

    # A crash after WordPress created a page but before its record was written: the page is adopted.
    crashed = rows[1]
    with runtime.database.connection() as conn:
        conn.execute("DELETE FROM publish_records WHERE content_id = %s", (crashed["id"],))
        conn.execute(
            "DELETE FROM publish_media_records WHERE image_id IN (SELECT id FROM images WHERE content_id = %s)",
            (crashed["id"],),
        )
    adopted = _publish(runtime, active_site, blueprint)
    assert (adopted.created, adopted.updated, adopted.failures) == (0, 1, [])

    forced = _publish(runtime, active_site, blueprint, force=True)
    assert (forced.created, forced.updated) == (0, len(rows))
    assert {r["id"]: (r["wp_type"], r["wp_id"]) for r in _content(runtime, site_id)} == ids, "same WordPress ids"
    assert (_total(rest, "posts"), _total(rest, "pages"), _total(rest, "media")) == totals, "no duplicates"


def test_a_page_wordpress_refuses_is_reported_and_the_others_publish(
    runtime: Services, active_site: tuple[int, int], wordpress: WordPressTestbed
) -> None:
    account, site_id = active_site
    blueprint = _build(runtime, active_site, 8)
    rows = _content(runtime, site_id)
    later = [r["id"] for r in rows[4:]]
    with runtime.database.connection() as conn:
        conn.execute("UPDATE content SET status = 'review' WHERE id = ANY(%s)", (later,))
    _connect(runtime, active_site, wordpress)
    assert _publish(runtime, active_site, blueprint).created == 4

    rest = _rest(wordpress)
    deleted = _content(runtime, site_id)[0]
    assert rest.delete(f"/wp/v2/pages/{deleted['wp_id']}", params={"force": "true"}).status_code == 200
    with runtime.database.connection() as conn:
        conn.execute("UPDATE content SET status = 'approved' WHERE id = ANY(%s)", (later,))
        conn.execute("UPDATE content SET html = html || '<p>Revised.</p>' WHERE id = %s", (deleted["id"],))
    result = _publish(runtime, active_site, blueprint)
    assert result.created == len(later) and result.skipped == 3
    assert [(f.content_id, f.slug) for f in result.failures] == [(deleted["id"], deleted["slug"])]
    assert "no longer has pages" in result.failures[0].reason and "rest_post_invalid_id" in result.failures[0].reason
    assert {r["status"] for r in _content(runtime, site_id)} == {"published"}

    recreated = _publish(runtime, active_site, blueprint, recreate_missing=True)
    assert (recreated.created, recreated.failures) == (1, [])
    assert _total(rest, "pages") == len(rows)


def test_a_refused_featured_image_publishes_the_page_without_it(
    runtime: Services, active_site: tuple[int, int], wordpress: WordPressTestbed
) -> None:
    account, site_id = active_site
    blueprint = _build(runtime, active_site, 2)
    rest = _rest(wordpress)
    assert rest.post("/wp/v2/settings", json={"igny8_testbed_allow_svg": False}).status_code == 200
    _connect(runtime, active_site, wordpress)
    result = _publish(runtime, active_site, blueprint)
    assert (result.created, result.failures, len(result.warnings)) == (2, [], 2)
    assert "without a featured image" in result.warnings[0] and "PNG image model" in result.warnings[0]
    rows = _content(runtime, site_id)
    assert [rest.get(f"/wp/v2/pages/{r['wp_id']}").json()["featured_media"] for r in rows] == [0, 0]

    png = Path(runtime.settings.data_dir) / "featured.png"
    png.write_bytes(_png())
    with runtime.database.connection() as conn:
        conn.execute(
            "UPDATE images SET path = %s WHERE content_id = %s AND role = 'featured'", (str(png), rows[0]["id"])
        )
    again = _publish(runtime, active_site, blueprint)
    assert (again.updated, len(again.warnings)) == (1, 1)
    media_id = rest.get(f"/wp/v2/pages/{rows[0]['wp_id']}").json()["featured_media"]
    assert rest.get(f"/wp/v2/media/{media_id}").json()["mime_type"] == "image/png"


def test_a_wrong_application_password_is_a_clear_error_and_publishes_nothing(
    runtime: Services, active_site: tuple[int, int], wordpress: WordPressTestbed
) -> None:
    account, site_id = active_site
    blueprint = _build(runtime, active_site, 3)
    wrong = "abcd EFGH ijkl MNOP qrst UVWX"
    _connect(runtime, active_site, wordpress, password=wrong)
    with runtime.database.connection() as conn:
        client = wordpress_client_for_site(conn, account_id=account, site_id=site_id)
    assert wrong not in repr(client)
    with client, pytest.raises(WordPressAuthError, match="refused the credentials of user 'admin'") as refused:
        publish_site(runtime.database, account_id=account, site_id=site_id, blueprint=blueprint, client=client)
    assert refused.value.status == 401 and "application password" in str(refused.value)
    assert wrong not in str(refused.value) and wrong.replace(" ", "") not in str(refused.value)
    rows = _content(runtime, site_id)
    assert {r["status"] for r in rows} == {"approved"} and {r["wp_id"] for r in rows} == {None}
    rest = _rest(wordpress)
    assert (_total(rest, "posts"), _total(rest, "pages"), _total(rest, "media")) == (0, 0, 0)
    assert rest.get("/igny8/v1/health").json()["data"]["taxonomies"] == []


def test_an_unreachable_wordpress_stops_the_run_before_anything_changes(
    runtime: Services, active_site: tuple[int, int]
) -> None:
    account, site_id = active_site
    blueprint = _build(runtime, active_site, 1)
    (closed_port,) = free_ports(1)
    with runtime.database.connection() as conn:
        save_wordpress_connection(
            conn,
            account_id=account,
            site_id=site_id,
            base_url=f"http://127.0.0.1:{closed_port}",
            username="admin",
            application_password="abcd efgh ijkl mnop qrst uvwx",
        )
    with pytest.raises(WordPressUnreachable, match=f"cannot reach WordPress at http://127.0.0.1:{closed_port}"):
        _publish(runtime, active_site, blueprint)
    assert [r["status"] for r in _content(runtime, site_id)] == ["approved"]
