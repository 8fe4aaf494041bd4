"""The IGNY8 Bridge plugin, installed from `make plugin`'s zip on a real WordPress, against the real backend:
the secret, the blueprint's taxonomies, the settings screen, the cron sync with its confirmations, the SEO
core on the published pages, the sitemap, term landing pages, redirects and the structure view.

The tests of this module run in order on one site (each builds on what the one before synced)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from igny8.memory.secret_box import secret_box_for
from igny8.stages.plugin_bridge import push_blueprint, save_plugin_bridge
from igny8.tools.integrations.wordpress_client import WordPressAuthError
from tests.wordpress.testbed import WordPressTestbed
from tests.wordpress_plugin.admin_session import admin_session, form_fields, notice
from tests.wordpress_plugin.conftest import Backend, plugin_api, secret_of
from tests.wordpress_plugin.seo_html import Head, references

pytestmark = [pytest.mark.wordpress, pytest.mark.slow]

SETTINGS_PAGE = "/wp-admin/options-general.php?page=igny8-bridge"


def _rest_count(bed: WordPressTestbed, wp_type: str) -> int:
    answer = httpx.get(f"{bed.base_url}/wp-json/wp/v2/{wp_type}", params={"per_page": 1}, timeout=30)
    answer.raise_for_status()
    return int(answer.headers["X-WP-Total"])


def _igny8_posts(bed: WordPressTestbed) -> list[dict[str, Any]]:
    """Every post and page the sync made, with its content id, straight from the database."""
    out = bed.run_php(
        "$rows = [];"
        " foreach (get_posts(['post_type' => ['post', 'page'], 'post_status' => 'any', 'numberposts' => -1,"
        " 'meta_key' => 'igny8_content_id']) as $p) {"
        " $rows[] = ['id' => $p->ID, 'slug' => $p->post_name, 'type' => $p->post_type, 'status' => $p->post_status,"
        " 'content_id' => (int) get_post_meta($p->ID, 'igny8_content_id', true),"
        " 'term' => get_post_meta($p->ID, '_igny8_term', true),"
        " 'term_count' => count(wp_get_object_terms($p->ID, array_keys(get_option('igny8_taxonomies', []))))]; }"
        " echo json_encode($rows);"
    )
    return json.loads(out)


def _run_cron(bed: WordPressTestbed) -> None:
    """WP-Cron's own entry point, with the sync due now (as when its hour has come)."""
    bed.run_php(
        "wp_clear_scheduled_hook('igny8_bridge_sync'); wp_schedule_event(time() - 1, 'hourly', 'igny8_bridge_sync');"
    )
    answer = httpx.get(f"{bed.base_url}/wp-cron.php", timeout=300)
    assert answer.status_code == 200
    assert bed.run_php("echo (int) wp_next_scheduled('igny8_bridge_sync') > time() ? 'later' : 'due';") == "later"


def _sync_state(bed: WordPressTestbed) -> dict[str, Any]:
    return json.loads(bed.run_php("echo json_encode(get_option('igny8_bridge_sync_state'));"))


def _push_blueprint(backend: Backend) -> dict[str, Any]:
    with backend.runtime.database.connection() as conn:
        return push_blueprint(
            conn,
            account_id=backend.account_id,
            site_id=backend.site_id,
            secrets=secret_box_for(backend.runtime.settings),
        )


def _content_statuses(backend: Backend) -> dict[int, str]:
    with backend.runtime.database.connection() as conn:
        rows = conn.execute("SELECT id, status FROM content WHERE site_id = %s", (backend.site_id,)).fetchall()
    return {r["id"]: r["status"] for r in rows}


def test_a_wrong_or_missing_secret_is_401_and_changes_nothing(plugin_wordpress: WordPressTestbed, backend: Backend):
    bed = plugin_wordpress
    with backend.client() as api:
        blueprint = api.get("/plugin/blueprint").json()["data"]
    item = {"content_id": 1, "title": "Intruder", "slug": "intruder", "html": "<p>x</p>", "content_type": "page"}
    calls = [
        ("POST", "/sag/sync-blueprint", blueprint),
        ("POST", "/sag/create-taxonomies", [{"slug": "intrusion", "name": "Intrusion", "hierarchical": False}]),
        ("POST", "/sync/push", {"items": [item]}),
        ("POST", "/redirects", {"redirects": [{"source": "/a", "target": "/b", "status": 301}]}),
        ("GET", "/status", None),
        ("GET", "/site-metadata/", None),
    ]
    for secret in (None, "not-the-secret", secret_of(bed)[:-1] + "x"):
        with plugin_api(bed, secret) as plugin:
            for method, path, body in calls:
                answer = plugin.request(method, path, json=body)
                assert answer.status_code == 401, (secret, path, answer.text)
                envelope = answer.json()
                assert envelope["success"] is False and "X-IGNY8-Secret" in envelope["error"] and envelope["request_id"]
    with backend.runtime.database.connection() as conn:
        save_plugin_bridge(
            conn,
            account_id=backend.account_id,
            site_id=backend.site_id,
            site_url=bed.base_url,
            secret="0" * 48,
            secrets=secret_box_for(backend.runtime.settings),
        )
    with pytest.raises(WordPressAuthError, match="refused the secret"):
        _push_blueprint(backend)
    taxonomies = httpx.get(f"{bed.base_url}/wp-json/wp/v2/taxonomies", timeout=30).json()
    assert set(taxonomies) == {"category", "post_tag", "nav_menu"}
    assert _rest_count(bed, "pages") == 0 and _rest_count(bed, "posts") == 0
    assert bed.run_php("var_export(get_option('igny8_bridge_blueprint', null));") == "NULL"


def test_the_settings_screen_saves_the_connection_and_tests_it(plugin_wordpress: WordPressTestbed, backend: Backend):
    bed = plugin_wordpress
    with admin_session(bed) as admin:
        page = admin.get(SETTINGS_PAGE)
        assert page.status_code == 200 and "igny8_bridge_save" in page.text
        assert secret_of(bed) in page.text  # the secret to give the backend
        fields = form_fields(page.text, "igny8_bridge_save")
        forged = admin.post(
            "/wp-admin/admin-post.php", data={**fields, "_wpnonce": "0" * 10, "backend_url": "http://evil"}
        )
        assert forged.status_code == 403
        bad = admin.post("/wp-admin/admin-post.php", data={**fields, "backend_url": "not a url", "site_key": "x"})
        assert "backend URL must be" in notice(admin.get(bad.headers["location"]).text)
        saved = admin.post(
            "/wp-admin/admin-post.php", data={**fields, "backend_url": backend.url, "site_key": backend.site_key}
        )
        page = admin.get(saved.headers["location"])
        assert notice(page.text) == "Settings saved."
        assert backend.site_key not in page.text  # a saved key is never shown again
        tested = admin.post("/wp-admin/admin-post.php", data=form_fields(page.text, "igny8_bridge_test"))
        assert notice(admin.get(tested.headers["location"]).text) == 'Connected to IGNY8 as "Bright Smile".'
    with plugin_api(bed, secret_of(bed)) as plugin:
        assert plugin.get("/health").json()["data"]["connected"] is True
    with backend.runtime.database.connection() as conn:
        kinds = [r["kind"] for r in conn.execute("SELECT kind FROM sync_events WHERE site_id = %s", (backend.site_id,))]
        bridge = conn.execute("SELECT * FROM plugin_bridges WHERE site_id = %s", (backend.site_id,)).fetchone()
    assert {"connect", "bridge"} <= set(kinds)
    # The plugin told the backend where it answers and its secret, which the backend keeps sealed.
    assert bridge["site_url"] == bed.base_url and secret_of(bed) not in bridge["secret_sealed"]
    assert secret_box_for(backend.runtime.settings).open(bridge["secret_sealed"]) == secret_of(bed)


def test_the_backend_pushes_its_blueprint_and_the_taxonomies_are_registered_on_every_request(
    plugin_wordpress: WordPressTestbed, backend: Backend
):
    bed = plugin_wordpress
    with backend.client() as api:
        blueprint = api.get("/plugin/blueprint").json()["data"]
    with plugin_api(bed, secret_of(bed)) as plugin:
        refused = plugin.post("/sag/sync-blueprint", json={**blueprint, "version": "two", "pages": "all"})
        assert refused.status_code == 422
        assert set(refused.json()["errors"]) == {"version", "pages"}
    summary = _push_blueprint(backend)  # the backend's own push, with the secret the plugin registered
    with plugin_api(bed, secret_of(bed)) as plugin:
        metadata = plugin.get("/site-metadata/").json()["data"]
    assert summary["version"] == blueprint["version"]
    assert len(summary["taxonomies"]) == len(blueprint["taxonomy"])
    assert summary["terms_created"] == sum(len(t["terms"]) for t in blueprint["taxonomy"])
    keys = {t["slug"]: t["taxonomy"] for t in summary["taxonomies"]}
    # A fresh request (a new PHP process) knows them: registered from the stored definitions, not only at creation.
    registered = httpx.get(f"{bed.base_url}/wp-json/wp/v2/taxonomies", timeout=30).json()
    assert set(keys.values()) <= set(registered)
    for taxonomy in blueprint["taxonomy"]:
        terms = httpx.get(
            f"{bed.base_url}/wp-json/wp/v2/{keys[taxonomy['slug']]}", params={"per_page": 100}, timeout=30
        ).json()
        assert {t["slug"] for t in terms} == {t["slug"] for t in taxonomy["terms"]}
    assert metadata["permalink_structure"] == "/%postname%/" and metadata["active_seo_plugin"] is None
    assert {t["name"] for t in metadata["taxonomies"] if t["igny8"]} == set(keys.values())
    assert {"post", "page"} <= {p["name"] for p in metadata["post_types"]}
    # Pushed again: the same taxonomies, none created twice.
    again = _push_blueprint(backend)
    assert again["terms_created"] == 0 and not any(t["created"] for t in again["taxonomies"])


def test_the_cron_job_pulls_the_queue_confirms_each_page_and_never_duplicates(
    plugin_wordpress: WordPressTestbed, backend: Backend
):
    bed = plugin_wordpress
    queued = _content_statuses(backend)
    assert queued and set(queued.values()) == {"approved"}
    _run_cron(bed)
    state = _sync_state(bed)
    assert state["ok"] is True, state
    assert state["created"] == len(queued) and state["confirmed"] == len(queued) and state["failed"] == 0
    assert state["blueprint_unchanged"] is False and isinstance(state["blueprint"], int)
    posts = _igny8_posts(bed)
    assert sorted(p["content_id"] for p in posts) == sorted(queued)
    assert all(p["status"] == "publish" for p in posts)
    # Each page is filed under the terms of its attribute values (a landing page under its own term).
    with backend.client() as api:
        blueprint = api.get("/plugin/blueprint").json()["data"]
    values = {t["attribute"]: {term["value"] for term in t["terms"]} for t in blueprint["taxonomy"]}
    planned = {p["slug"]: p["attribute_values"] for p in blueprint["pages"]}
    for post in posts:
        expected = sum(1 for a, v in planned[post["slug"]].items() if v in values.get(a, ()))
        assert post["term_count"] == expected, post
    assert all(p["term_count"] == 1 for p in posts if p["term"]) and sum(p["term_count"] for p in posts) > 0
    assert set(_content_statuses(backend).values()) == {"published"}
    with backend.runtime.database.connection() as conn:
        events = conn.execute(
            "SELECT content_id, payload FROM sync_events WHERE site_id = %s AND kind = 'published'", (backend.site_id,)
        ).fetchall()
        pushed = conn.execute("SELECT wp_id FROM site_pages WHERE site_id = %s", (backend.site_id,)).fetchall()
    assert sorted(e["content_id"] for e in events) == sorted(queued)
    assert {e["payload"]["wp_id"] for e in events} == {p["id"] for p in posts}
    assert {r["wp_id"] for r in pushed} >= {p["id"] for p in posts}  # the site's own content, for analysis

    # A second run finds nothing new to do (the blueprint answers 304 to the ETag the first run kept).
    _run_cron(bed)
    state = _sync_state(bed)
    assert state["created"] == 0 and state["blueprint_unchanged"] is True and len(_igny8_posts(bed)) == len(posts)

    # A run that died after writing two posts and before confirming them: the next run updates the same posts.
    lost = sorted(queued)[:2]
    with backend.runtime.database.connection() as conn:
        conn.execute("DELETE FROM sync_events WHERE content_id = ANY(%s)", (lost,))
        conn.execute("UPDATE content SET status = 'approved' WHERE id = ANY(%s)", (lost,))
    half_written = next(p["id"] for p in posts if p["content_id"] == lost[0])
    bed.run_php(f"delete_post_meta({half_written}, '_igny8_synced_hash');")
    _run_cron(bed)
    state = _sync_state(bed)
    assert (state["created"], state["updated"], state["confirmed"]) == (0, 2, 2), state
    assert sorted(p["id"] for p in _igny8_posts(bed)) == sorted(p["id"] for p in posts)
    assert set(_content_statuses(backend).values()) == {"published"}


def test_a_published_page_carries_our_title_meta_canonical_and_one_json_ld_graph_and_is_in_the_sitemap(
    plugin_wordpress: WordPressTestbed, backend: Backend
):
    bed = plugin_wordpress
    with backend.runtime.database.connection() as conn:
        rows = conn.execute("SELECT id, title, meta FROM content WHERE site_id = %s", (backend.site_id,)).fetchall()
    by_content = {p["content_id"]: p for p in _igny8_posts(bed)}
    for row in rows:
        post = by_content[row["id"]]
        url = f"{bed.base_url}/{post['slug']}/"
        answer = httpx.get(url, timeout=30)
        assert answer.status_code == 200
        head = Head.of(answer.text)
        assert head.titles == [f"{row['title']} – IGNY8 testbed"]
        assert head.descriptions == [row["meta"]["meta_description"][:320]]
        assert head.canonicals == [url] and head.og_titles == [row["title"]]
        graph = head.graph()
        ids = {node["@id"] for node in graph}
        assert len(ids) == len(graph)  # every node has its own @id
        types = [node["@type"] for node in graph]
        assert types[:3] == ["Organization", "WebSite", "WebPage"] and len(types) > 3, types
        assert set().union(*(references(node) for node in graph)) <= ids  # every reference resolves
        webpage = graph[2]
        assert webpage["@id"] == f"{url}#webpage" and webpage["isPartOf"] == {"@id": f"{bed.base_url}/#website"}
        assert all(n.get("mainEntityOfPage", {"@id": webpage["@id"]}) == {"@id": webpage["@id"]} for n in graph[3:])
        assert 'data-igny8="schema"' not in answer.text  # the body's block went into the head's graph
    sitemap = httpx.get(f"{bed.base_url}/wp-sitemap.xml", timeout=30)
    assert sitemap.status_code == 200
    listed = ""
    for sub in ("wp-sitemap-posts-page-1.xml", "wp-sitemap-posts-post-1.xml"):
        part = httpx.get(f"{bed.base_url}/{sub}", timeout=30)
        listed += part.text if part.status_code == 200 else ""
    for post in by_content.values():
        assert f"<loc>{bed.base_url}/{post['slug']}/</loc>" in listed
    assert "<lastmod>" in listed
    assert "wp-sitemap-users" not in sitemap.text


def test_a_page_published_over_rest_with_its_schema_block_gets_that_block_in_the_head_graph(
    plugin_wordpress: WordPressTestbed,
):
    """Stage 7 publishes over WordPress's REST API with the JSON-LD block in the body (an administrator may
    post scripts): the plugin moves it into the head's one @graph."""
    bed = plugin_wordpress
    block = json.dumps([{"@type": "FAQPage", "mainEntity": []}, {"@type": "BreadcrumbList", "itemListElement": []}])
    body = f'<script type="application/ld+json" data-igny8="schema">{block}</script>\n<p>Veneers explained.</p>'
    made = httpx.post(
        f"{bed.base_url}/wp-json/wp/v2/pages",
        auth=(bed.username, bed.application_password),
        json={"title": "Veneers explained", "slug": "veneers-explained", "status": "publish", "content": body},
        timeout=30,
    )
    assert made.status_code == 201, made.text
    url = f"{bed.base_url}/veneers-explained/"
    html = httpx.get(url, timeout=30).text
    graph = Head.of(html).graph()
    assert [n["@type"] for n in graph] == ["Organization", "WebSite", "WebPage", "FAQPage", "BreadcrumbList"]
    assert graph[2]["breadcrumb"] == {"@id": f"{url}#breadcrumblist"}
    assert 'data-igny8="schema"' not in html and "Veneers explained." in html
    httpx.delete(
        f"{bed.base_url}/wp-json/wp/v2/pages/{made.json()['id']}",
        params={"force": "true"},
        auth=(bed.username, bed.application_password),
        timeout=30,
    ).raise_for_status()


def test_a_term_with_a_landing_page_takes_that_page_as_canonical_and_leaves_the_sitemap(
    plugin_wordpress: WordPressTestbed,
):
    bed = plugin_wordpress
    landings = [p for p in _igny8_posts(bed) if p["term"]]
    assert landings, "the first pages include term landing pages"
    for landing in landings:
        taxonomy, term = landing["term"].split("|")
        archive = httpx.get(f"{bed.base_url}/?{taxonomy}={term}", timeout=30, follow_redirects=True)
        assert archive.status_code == 200
        head = Head.of(archive.text)
        assert head.canonicals == [f"{bed.base_url}/{landing['slug']}/"]
        assert [n["@type"] for n in head.graph()][2] == "CollectionPage"
        terms_sitemap = httpx.get(f"{bed.base_url}/wp-sitemap-taxonomies-{taxonomy}-1.xml", timeout=30).text
        assert f"/{term}/</loc>" not in terms_sitemap


def test_redirects_answer_301_or_302_and_count_their_hits(plugin_wordpress: WordPressTestbed):
    bed = plugin_wordpress
    page = _igny8_posts(bed)[0]
    redirects = [
        {"source": "/old-smile-page/", "target": f"/{page['slug']}/", "status": 301, "origin": "analysis"},
        {"source": "/Spring-Offer", "target": "https://example.org/offer", "status": 302},
    ]
    with plugin_api(bed, secret_of(bed)) as plugin:
        refused = plugin.post("/redirects", json={"redirects": [*redirects, {"source": "/x", "target": "/x"}]})
        assert refused.status_code == 422 and list(refused.json()["errors"]) == ["2"]
        assert plugin.get("/redirects").json()["data"] == []  # nothing written by the refused batch
        assert plugin.post("/redirects", json={"redirects": redirects}).json()["data"]["saved"] == 2
        for _ in range(3):
            moved = httpx.get(f"{bed.base_url}/old-smile-page/", timeout=30)
            assert moved.status_code == 301 and moved.headers["location"] == f"{bed.base_url}/{page['slug']}/"
        offer = httpx.get(f"{bed.base_url}/spring-offer?utm=1", timeout=30)
        assert offer.status_code == 302 and offer.headers["location"] == "https://example.org/offer"
        hits = {r["source"]: int(r["hits"]) for r in plugin.get("/redirects").json()["data"]}
    assert hits == {"/old-smile-page": 3, "/spring-offer": 1}


def test_the_structure_page_shows_the_blueprint_with_each_page_status(
    plugin_wordpress: WordPressTestbed, backend: Backend
):
    bed = plugin_wordpress
    with backend.client() as api:
        blueprint = api.get("/plugin/blueprint").json()["data"]
    published = {p["slug"] for p in _igny8_posts(bed)}
    with admin_session(bed) as admin:
        html = admin.get("/wp-admin/tools.php?page=igny8-structure").text
    tree = HTMLParser(html)
    rows = {str(r.attributes["data-slug"]): str(r.attributes["data-status"]) for r in tree.css("tr.igny8-page")}
    assert set(rows) == {p["slug"] for p in blueprint["pages"]}
    assert {slug for slug, status in rows.items() if status == "published"} == published
    assert set(rows.values()) == {"published", "planned"}
    clusters = {str(h.attributes["data-cluster"]) for h in tree.css("h3.igny8-cluster")}
    assert {c["slug"] for c in blueprint["clusters"]} <= clusters
    summary = tree.css_first("#igny8-blueprint-summary").text()
    assert f"Blueprint version {blueprint['version']}" in summary and "health score" in summary
    for attribute in blueprint["attributes"]:
        assert attribute["name"] in tree.css_first("table.igny8-attributes").text()


YOAST_LIKE = """<?php
/* Plugin Name: Yoast-like (test only): prints its own title, meta, canonical, Open Graph and JSON-LD graph. */
define('WPSEO_VERSION', '21.0-test');
add_action('wp', function () { remove_action('wp_head', 'rel_canonical'); });
add_filter('pre_get_document_title', function () { return 'Yoast-like title'; }, 15);
add_action('wp_head', function () {
    if (!is_singular()) { return; }
    echo '<meta name="description" content="Yoast-like description" />' . "\\n";
    echo '<link rel="canonical" href="' . esc_url(get_permalink()) . '" />' . "\\n";
    echo '<meta property="og:title" content="Yoast-like" />' . "\\n";
    $graph = apply_filters('wpseo_schema_graph', [['@type' => 'WebPage', '@id' => get_permalink() . '#yoast']], null);
    echo '<script type="application/ld+json" class="yoast-schema-graph">'
        . wp_json_encode(['@context' => 'https://schema.org', '@graph' => $graph]) . '</script>' . "\\n";
}, 1);
"""


def test_beside_a_yoast_like_plugin_each_tag_appears_exactly_once(plugin_wordpress: WordPressTestbed):
    bed = plugin_wordpress
    yoast = bed.site_dir / "wp-content" / "mu-plugins" / "yoast-like.php"
    yoast.write_text(YOAST_LIKE)
    try:
        with plugin_api(bed, secret_of(bed)) as plugin:
            assert plugin.get("/site-metadata/").json()["data"]["active_seo_plugin"] == "yoast"
        for post in _igny8_posts(bed):
            url = f"{bed.base_url}/{post['slug']}/"
            head = Head.of(httpx.get(url, timeout=30).text)
            assert head.titles == ["Yoast-like title"]
            assert head.descriptions == ["Yoast-like description"]
            assert head.canonicals == [url] and head.og_titles == ["Yoast-like"]
            graph = head.graph()  # exactly one block: Yoast's, with our page's own nodes handed to it
            assert graph[0]["@id"] == f"{url}#yoast" and len(graph) > 1
            assert all(node["@id"].startswith(url) for node in graph[1:])
    finally:
        yoast.unlink()
    head = Head.of(httpx.get(f"{bed.base_url}/{_igny8_posts(bed)[0]['slug']}/", timeout=30).text)
    assert len(head.titles) == len(head.descriptions) == len(head.canonicals) == len(head.json_ld) == 1
    assert "Yoast-like" not in head.titles[0]


def test_uninstall_removes_what_the_plugin_added_and_keeps_the_sites_content(plugin_wordpress: WordPressTestbed):
    bed = plugin_wordpress
    posts = _igny8_posts(bed)
    bed.run_php(
        "deactivate_plugins('igny8-bridge/igny8-bridge.php'); uninstall_plugin('igny8-bridge/igny8-bridge.php');"
    )
    bed.plugins.remove("igny8-bridge/igny8-bridge.php")
    left = json.loads(
        bed.run_php(
            "global $wpdb; echo json_encode(["
            " 'options' => $wpdb->get_col("
            " \"SELECT option_name FROM {$wpdb->options} WHERE option_name LIKE 'igny8%'\"),"
            " 'meta' => (int) $wpdb->get_var(\"SELECT COUNT(*) FROM {$wpdb->postmeta} WHERE meta_key LIKE '%igny8%'\"),"
            " 'table' => $wpdb->get_var(\"SHOW TABLES LIKE '{$wpdb->prefix}igny8_redirects'\"),"
            " 'cron' => wp_next_scheduled('igny8_bridge_sync'),"
            " 'posts' => count(get_posts(['post_type' => ['post', 'page'], 'numberposts' => -1]))]);"
        )
    )
    assert left == {"options": [], "meta": 0, "table": None, "cron": False, "posts": len(posts)}
    assert httpx.get(f"{bed.base_url}/wp-json/igny8/v1/health", timeout=30).status_code == 404
