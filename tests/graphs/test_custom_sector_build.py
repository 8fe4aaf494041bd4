"""A niche outside the catalog built end to end through the site_build graph, its template designed by the
architect agent (the scripted fake model stands in for a capable model)."""

from pathlib import Path

import pytest
import yaml

from igny8.agents.architect import ArchitectUnavailable
from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.graphs.site_build import BuildRequest, SiteBuildContext, build_without_review
from igny8.llm import fake
from igny8.llm.embedder import FakeEmbedder
from igny8.llm.gateway import ModelGateway
from igny8.memory.blueprints import get_blueprint
from igny8.memory.database import Database
from igny8.memory.sector_templates_repo import find_sector_template
from igny8.memory.tenancy import create_account
from igny8.tools.sag.topic_names import is_value_list

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "templates" / "axe-throwing-venues.yaml"


def _architect_answer() -> dict:
    """What a capable architect model answers for the niche: the example template's grid."""
    data = yaml.safe_load(EXAMPLE.read_text())
    return {"attributes": data["attributes"], "keyword_templates": data["keyword_templates"]}


def _build(database: Database, account: int) -> dict:
    context = SiteBuildContext(
        load_catalog(), database, ModelGateway(Settings(embedder="fake"), database), FakeEmbedder()
    )
    request = BuildRequest(
        account_id=account,
        site_id=None,
        site_name="Bullseye Axe Club",
        industry="entertainment-media",
        sectors=["axe-throwing-venues"],
        site_type="local_service",
        business={},
        auto_approve=True,
    )
    return build_without_review(context, request)


def test_the_architects_template_builds_the_niche_and_is_reused_by_the_account(database: Database) -> None:
    with database.connection() as conn:
        account = create_account(conn, name="axe club")
        stranger = create_account(conn, name="someone else")
    with fake.override(fake.ScriptedModel(replies=[_architect_answer()])) as model:
        values = _build(database, account)
    assert len(model.calls) == 1
    assert "Axe Throwing Venues" in model.calls[0]["messages"][-1]["content"]
    assert any("source ai_generated" in note for note in values["notes"])
    with database.connection() as conn:
        blueprint = get_blueprint(conn, account_id=account, site_id=values["site_id"], version=1)
        stored = find_sector_template(conn, "axe-throwing-venues", account_id=account)
        assert find_sector_template(conn, "axe-throwing-venues", account_id=stranger) is None
    assert stored is not None and stored.template.source == "ai_generated" and stored.name == "Axe Throwing Venues"
    assert blueprint.sectors == ["axe-throwing-venues"] and blueprint.keyword_count >= 300
    values_of = {v for a in blueprint.attributes for v in a.values}
    assert not [c.name for c in blueprint.clusters if is_value_list(c.name, values_of)]
    assert {c.sector for c in blueprint.clusters} == {"axe-throwing-venues"}
    assert any(p.title.startswith("Axe Throwing") for p in blueprint.pages)

    with fake.override(fake.ScriptedModel()) as again:  # the account's other site: no second design
        second = _build(database, account)
    assert again.calls == [] and second["site_id"] != values["site_id"]


def test_with_only_the_embedded_model_the_answer_says_what_to_do(database: Database) -> None:
    with database.connection() as conn:
        account = create_account(conn, name="no model")
    with pytest.raises(ArchitectUnavailable) as refused:
        _build(database, account)
    message = str(refused.value)
    assert "IGNY8_ARCHITECT_MODEL" in message and "--template FILE" in message
    with database.connection() as conn:
        assert find_sector_template(conn, "axe-throwing-venues", account_id=account) is None
        assert conn.execute("SELECT count(*) AS n FROM sites WHERE account_id = %s", (account,)).fetchone()["n"] == 0
