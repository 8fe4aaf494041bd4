"""The architect agent's reading of free-text review messages (scripted fake model): edits that fit the
proposal on screen, a question back for anything it cannot map, never a guess."""

import pytest

from igny8.agents.edit_interpreter import EditInterpreter
from igny8.config import Settings
from igny8.llm.fake import ScriptedModel, override
from igny8.llm.gateway import ModelGateway, ModelOutputError

ATTRIBUTES = {
    "stage": "attributes",
    "errors": [],
    "attributes": [
        {
            "slug": "treatment",
            "name": "Treatment",
            "level": "primary",
            "kind": "category",
            "values": ["Invisalign", "Dental Implants", "Veneers", "Dentures"],
        },
        {
            "slug": "location",
            "name": "Location",
            "level": "secondary",
            "kind": "location",
            "values": ["Austin", "Cedar Park", "Georgetown", "Pflugerville"],
        },
    ],
}
CLUSTERS = {
    "stage": "clusters",
    "errors": [],
    "clusters": [
        {
            "slug": "invisalign",
            "name": "Invisalign",
            "type": "product_category",
            "sector": "dental-clinics",
            "hub": "Invisalign in Austin",
            "keywords": 12,
            "examples": ["invisalign cost"],
        }
    ],
}


def _interpret(settings: Settings, message: str, review: dict, *replies: object) -> tuple:
    model = ScriptedModel(replies=list(replies))
    with override(model):
        found = EditInterpreter(ModelGateway(settings)).interpret(message, review)
    return found, model


def test_a_message_becomes_structured_edits_that_fit_the_grid(settings: Settings) -> None:
    found, model = _interpret(
        settings,
        "drop dentures, we don't do them, and add Round Rock as a location",
        ATTRIBUTES,
        {
            "attribute_edits": [
                {"op": "remove_value", "attribute": "treatment", "value": "dentures"},
                {"op": "add_value", "attribute": "Location", "value": "Round Rock"},
            ]
        },
    )
    assert found.question is None
    assert found.attribute_edits == [
        {"op": "remove_value", "attribute": "treatment", "value": "dentures", "values": []},
        {"op": "add_value", "attribute": "Location", "value": "Round Rock", "values": []},
    ]
    assert found.descriptions == ["remove Dentures from Treatment", "add Round Rock to Location"]
    prompt = model.calls[0]["messages"][-1]["content"]
    assert "Dentures" in prompt and "drop dentures" in prompt  # the model saw the proposal and the message


@pytest.mark.parametrize(
    ("reply", "asks"),
    [
        (
            {"attribute_edits": [{"op": "remove_value", "attribute": "treatment", "value": "Braces"}]},
            "no value 'Braces'",
        ),
        ({"attribute_edits": [{"op": "rename_attribute", "attribute": "colour", "new_name": "Shade"}]}, "no attribute"),
        ({"attribute_edits": [{"op": "add_value", "attribute": "location", "value": "Austin"}]}, "already has Austin"),
        ({"cluster_edits": [{"op": "remove", "cluster": "invisalign"}]}, "this review is of the attributes"),
        ({"question": "Which location should go?"}, "Which location should go?"),
        ({}, "could not turn that into an edit"),
    ],
)
def test_what_cannot_be_mapped_gets_a_question_not_a_guess(settings: Settings, reply: dict, asks: str) -> None:
    found, _ = _interpret(settings, "make it better", ATTRIBUTES, reply)
    assert found.attribute_edits == [] and found.cluster_edits == []
    assert found.question and asks in found.question


def test_cluster_review_edits(settings: Settings) -> None:
    found, _ = _interpret(
        settings,
        "call the invisalign cluster Clear Aligners",
        CLUSTERS,
        {"cluster_edits": [{"op": "rename", "cluster": "invisalign", "new_name": "Clear Aligners"}]},
    )
    assert found.cluster_edits == [{"op": "rename", "cluster": "invisalign", "new_name": "Clear Aligners"}]
    assert found.descriptions == ["rename cluster Invisalign to Clear Aligners"]


def test_an_answer_that_never_validates_is_an_error(settings: Settings) -> None:
    with pytest.raises(ModelOutputError):
        _interpret(settings, "drop dentures", ATTRIBUTES, "not json", {"attribute_edits": [{"op": "explode"}]})
