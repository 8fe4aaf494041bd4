import pytest

from igny8.agents.architect import ArchitectAgent, TemplateRefused
from igny8.catalog.loader import load_catalog
from igny8.config import Settings
from igny8.llm import fake
from igny8.llm.gateway import ModelGateway
from igny8.memory.database import Database
from igny8.memory.sector_templates_repo import find_sector_template, save_sector_template
from igny8.tools.sag.keyword_expansion import expand_templates


def _answer_from(template_slug: str) -> dict:
    template = load_catalog().template(template_slug)
    assert template is not None
    return {
        "attributes": [a.model_dump(include={"slug", "name", "level", "kind", "values"}) for a in template.attributes],
        "keyword_templates": [k.model_dump(include={"pattern", "intent"}) for k in template.keyword_templates],
    }


def _target():  # type: ignore[no-untyped-def]
    catalog = load_catalog()
    industry = catalog.industry("healthcare-medical")
    return industry, next(s for s in industry.sectors if s.slug == "dental-clinics")


WORDS = [
    "amber",
    "birch",
    "cedar",
    "delta",
    "ember",
    "fable",
    "garnet",
    "harbor",
    "indigo",
    "juniper",
    "kestrel",
    "lumen",
    "maple",
    "nectar",
    "onyx",
    "pebble",
    "quartz",
    "raven",
    "sable",
    "tundra",
    "umber",
    "velvet",
    "willow",
    "xenon",
    "yarrow",
    "zephyr",
    "aspen",
    "basil",
    "coral",
    "dune",
    "elm",
    "fern",
    "glacier",
    "hazel",
    "iris",
    "jade",
    "kelp",
    "lotus",
    "moss",
    "nova",
    "olive",
    "pine",
    "quill",
    "reed",
    "sage",
    "thyme",
    "urchin",
    "vale",
    "wren",
    "yew",
    "zinnia",
    "acorn",
    "bramble",
    "clover",
    "daisy",
    "echo",
    "flint",
    "grove",
    "heath",
    "ivy",
]


def _rich_answer() -> dict:
    """A valid answer of the size a site needs: 5 attributes × 12 values and 30 single-value patterns."""
    attributes = [
        ("service", "primary", "category"),
        ("concern", "primary", "problem"),
        ("patient_group", "secondary", "audience"),
        ("price_tier", "secondary", "price"),
        ("brand", "tertiary", "brand"),
    ]
    answer: dict = {"attributes": [], "keyword_templates": []}
    for n, (slug, level, kind) in enumerate(attributes):
        values = [f"{WORDS[n * 12 + i].title()} {slug.split('_')[0].title()}" for i in range(12)]
        answer["attributes"].append(
            {"slug": slug, "name": slug.replace("_", " ").title(), "level": level, "kind": kind, "values": values}
        )
    patterns = {
        "service": [
            "{} cost",
            "best {}",
            "{} near me",
            "how long does {} take",
            "{} reviews",
            "{} pros and cons",
            "is {} worth it",
            "{} prices",
            "{} aftercare",
            "book {}",
            "{} recovery",
            "what is {}",
        ],
        "concern": [
            "what causes {}",
            "{} remedies",
            "how to treat {}",
            "{} symptoms",
            "{} relief",
            "is {} serious",
            "{} prevention",
            "{} treatment options",
            "{} in adults",
            "{} help",
        ],
        "patient_group": ["dentist for {}", "dental care for {}", "checkups for {}", "tips for {}"],
        "price_tier": ["{} dentist", "{} dental plans"],
    }
    intents = ["commercial", "informational", "transactional", "navigational"]
    for slug, forms in patterns.items():
        for i, form in enumerate(forms):
            answer["keyword_templates"].append({"pattern": form.format("{" + slug + "}"), "intent": intents[i % 4]})
    return answer


def test_a_valid_answer_becomes_an_ai_generated_template(settings: Settings, database: Database) -> None:
    industry, sector = _target()
    with fake.override(fake.ScriptedModel(replies=[_rich_answer()])) as model:
        template = ArchitectAgent(ModelGateway(settings, database)).discover_sector_attributes(industry, sector)
    assert len(model.calls) == 1
    assert template.source == "ai_generated" and template.sector == "dental-clinics"
    assert expand_templates(template.keyword_templates, template.attributes)
    with database.connection() as conn:
        save_sector_template(conn, template, account_id=None)
        stored = find_sector_template(conn, "dental-clinics", account_id=None)
        assert stored is not None and stored.template == template


def test_constraint_violations_are_sent_back_once_then_refused(settings: Settings, database: Database) -> None:
    industry, _ = _target()
    sector = next(s for s in industry.sectors if s.slug == "home-medical-equipment")
    broken = _answer_from("dental-clinics")
    for attribute in broken["attributes"]:
        attribute["level"] = "primary"  # five primary attributes: breaks the level rule
    with fake.override(fake.ScriptedModel(replies=[broken, broken])) as model:
        with pytest.raises(TemplateRefused, match="5 primary attributes; needs 2–3"):
            ArchitectAgent(ModelGateway(settings, database)).discover_sector_attributes(industry, sector)
    repair = model.calls[1]["messages"][-1]["content"]
    assert "5 primary attributes" in repair
    with database.connection() as conn:
        assert find_sector_template(conn, "home-medical-equipment", account_id=None) is None


def test_a_malformed_answer_is_rejected_by_shape_first(settings: Settings, database: Database) -> None:
    industry, sector = _target()
    with fake.override(fake.ScriptedModel(replies=['{"attributes": []}', "not even json"])):
        with pytest.raises(ValueError, match="does not match DiscoveredTemplate"):
            ArchitectAgent(ModelGateway(settings, database)).discover_sector_attributes(industry, sector)
