import json
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from langgraph.checkpoint.memory import InMemorySaver

from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.domain.blueprint import STRUCTURES
from igny8.graphs.site_build import BuildRequest, SiteBuildContext, build_graph, initial_state
from igny8.llm.embedder import FakeEmbedder
from igny8.llm.gateway import ModelGateway
from igny8.memory.blueprints import activate_blueprint, get_blueprint, list_blueprints
from igny8.memory.database import Database
from igny8.memory.tenancy import NotFound, create_account

SCRIPT = Path(__file__).with_name("site_build_process.py")


@pytest.fixture(scope="module")
def account(database: Database) -> int:
    with database.connection() as conn:
        return create_account(conn, name="dentists inc")


def _context(database: Database) -> SiteBuildContext:
    settings = Settings(embedder="fake")
    return SiteBuildContext(load_catalog(), database, ModelGateway(settings, database), FakeEmbedder())


def _build(
    database: Database, account: int, sectors: list[str], site_type: str = "local_service", business: dict | None = None
) -> dict:
    request = BuildRequest(
        account_id=account,
        site_id=None,
        site_name="Test",
        industry="healthcare-medical",
        sectors=sectors,
        site_type=site_type,
        business=business or {},
        auto_approve=True,
    )
    graph = build_graph(InMemorySaver())
    return graph.invoke(initial_state(request), {"configurable": {"thread_id": "t"}}, context=_context(database))


def test_blueprint_meets_every_constraint(database: Database, account: int) -> None:
    values = _build(database, account, ["dental-clinics"])
    with database.connection() as conn:
        blueprint = get_blueprint(conn, account_id=account, site_id=values["site_id"], version=1)
        stored_keywords = conn.execute(
            "SELECT count(*) AS n, count(embedding) AS e, count(DISTINCT cluster_id) AS c"
            " FROM keywords WHERE blueprint_id = %s",
            (blueprint.id,),
        ).fetchone()
    assert blueprint.status == "draft" and blueprint.version == 1
    assert blueprint.keyword_count >= 300
    assert stored_keywords["n"] == blueprint.keyword_count == stored_keywords["e"]
    assert stored_keywords["c"] == len(blueprint.clusters)
    assert len(blueprint.clusters) <= 50
    assert all(5 <= len(c.keywords) <= 20 for c in blueprint.clusters)
    document = json.loads(blueprint.model_dump_json())
    for key in (
        "id",
        "version",
        "status",
        "site_type",
        "industry",
        "sectors",
        "attributes",
        "clusters",
        "taxonomy",
        "pages",
        "health",
    ):
        assert key in document
    assert {"name", "type", "attribute_values", "hub", "keywords"} <= set(document["clusters"][0])
    assert {"title", "structure"} <= set(document["clusters"][0]["hub"])
    assert {"text", "intent"} <= set(document["clusters"][0]["keywords"][0])
    assert {"title", "content_type", "structure", "cluster", "priority_phase"} <= set(document["pages"][0])
    assert {p.priority_phase for p in blueprint.pages} == {1, 2, 3, 4}
    assert all(p.structure in STRUCTURES for p in blueprint.pages)
    terms = sum(len(t.terms) for t in blueprint.taxonomy)
    assert terms == sum(len(a.values) for a in blueprint.attributes)
    assert len(blueprint.health.components) == 5 and 0 <= blueprint.health.score <= 100
    slugs = {p.slug for p in blueprint.pages}
    inbound = {link.target for link in blueprint.link_map}
    assert slugs - inbound == {"home"}, "every page but the home page has a planned inbound link"


def test_multi_sector_merge(database: Database, account: int) -> None:
    values = _build(database, account, ["dental-clinics", "home-medical-equipment"])
    with database.connection() as conn:
        blueprint = get_blueprint(conn, account_id=account, site_id=values["site_id"], version=1)
    assert {c.sector for c in blueprint.clusters} == {"dental-clinics", "home-medical-equipment"}
    texts = [k.text for c in blueprint.clusters for k in c.keywords]
    assert len(texts) == len(set(texts))


def test_versions_activation_and_immutability(database: Database, account: int) -> None:
    values = _build(database, account, ["dental-clinics"])
    site = values["site_id"]
    request = BuildRequest(
        account_id=account,
        site_id=site,
        site_name="Test",
        industry="healthcare-medical",
        sectors=["dental-clinics"],
        site_type="local_service",
        business={},
        auto_approve=True,
    )
    build_graph(InMemorySaver()).invoke(
        initial_state(request), {"configurable": {"thread_id": "v2"}}, context=_context(database)
    )
    with database.connection() as conn:
        activate_blueprint(conn, account_id=account, site_id=site, version=1)
        activate_blueprint(conn, account_id=account, site_id=site, version=2)
        statuses = {b.version: b.status for b in list_blueprints(conn, account_id=account, site_id=site)}
    assert statuses == {1: "superseded", 2: "active"}
    with pytest.raises(psycopg.errors.RaiseException, match="immutable snapshot"):
        with database.connection() as conn:
            conn.execute("UPDATE blueprints SET snapshot = '{}' WHERE site_id = %s AND version = 2", (site,))
    with pytest.raises(psycopg.errors.RaiseException, match="cannot go from superseded to active"):
        with database.connection() as conn:
            conn.execute("UPDATE blueprints SET status = 'active' WHERE site_id = %s AND version = 1", (site,))


def test_another_account_cannot_read_the_blueprint(database: Database, account: int) -> None:
    values = _build(database, account, ["dental-clinics"])
    with database.connection() as conn:
        stranger = create_account(conn, name="stranger")
        with pytest.raises(NotFound):
            get_blueprint(conn, account_id=stranger, site_id=values["site_id"], version=1)
        assert list_blueprints(conn, account_id=stranger) == []


def _step(*args: str) -> dict:
    done = subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_review_pauses_edits_and_resume_after_restart(database: Database, account: int) -> None:
    url, thread = database.url, "review-1"
    first = _step("start", url, thread, str(account))
    assert first["interrupt"] == "attributes"
    assert "Dentures" in first["attributes"]["treatment"]

    # A new process each time: the build lives only in its PostgreSQL checkpoint.
    bad = _step(
        "resume",
        url,
        thread,
        json.dumps(
            {
                "attribute_edits": [
                    {"op": "remove_value", "attribute": "treatment", "value": "Dentures"},
                    {"op": "remove_value", "attribute": "treatment", "value": "No Such Treatment"},
                ]
            }
        ),
    )
    assert bad["interrupt"] == "attributes" and "has no value 'No Such Treatment'" in bad["errors"][0]
    assert "Dentures" in bad["attributes"]["treatment"], "a failed batch changes nothing"

    edited = _step(
        "resume",
        url,
        thread,
        json.dumps(
            {
                "attribute_edits": [
                    {"op": "remove_value", "attribute": "treatment", "value": "Dentures"},
                    {
                        "op": "rename_value",
                        "attribute": "treatment",
                        "value": "Invisalign",
                        "new_name": "Clear Aligners",
                    },
                    {"op": "rename_attribute", "attribute": "patient_group", "new_name": "Patients"},
                ]
            }
        ),
    )
    assert edited["interrupt"] == "attributes"
    assert "Dentures" not in edited["attributes"]["treatment"] and "Clear Aligners" in edited["attributes"]["treatment"]

    clusters = _step("resume", url, thread, '{"approve": true}')
    assert clusters["interrupt"] == "clusters", clusters["errors"]
    assert "clear-aligners" in clusters["clusters"] and "dentures" not in clusters["clusters"]
    removed = clusters["clusters"][-1]

    after_edit = _step("resume", url, thread, json.dumps({"cluster_edits": [{"op": "remove", "cluster": removed}]}))
    assert after_edit["interrupt"] == "clusters" and removed not in after_edit["clusters"]

    done = _step("resume", url, thread, '{"approve": true}')
    assert done["interrupt"] is None and done["blueprint_id"] is not None
