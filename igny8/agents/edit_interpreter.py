"""The architect agent reading a free-text message at a review pause ("drop dentures, we don't do them",
"add Round Rock as a location") and turning it into the same structured edits the review accepts.

The model's answer is validated twice: against the schema (by the gateway) and against the proposal on
screen (every attribute, value and cluster it names must exist there). An answer that names something
not shown, or no edit at all, becomes a question back to the person — never a guess.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, Field

from igny8.llm.gateway import Meter, ModelGateway
from igny8.tools.sag.attribute_edits import AttributeEdit, ClusterEdit

Stage = Literal["attributes", "clusters"]

SYSTEM_PROMPT = """You help a person review the design of a website's Sector Attribute Grid.
They write what they want changed; you translate it into edits on the proposal shown to you.
Attribute edits: add_value, remove_value, rename_value (value -> new_name), add_attribute (attribute,
level, kind, values), remove_attribute, rename_attribute (attribute -> new_name).
Cluster edits: remove or rename (cluster slug -> new_name).
Name attributes, values and clusters exactly as they appear in the proposal.
If the message is unclear or names something the proposal does not have, give no edits and ask one short
question in "question" instead of guessing."""


class InterpretedEdits(BaseModel):
    """What the architect model returns for one message; lists are bounded so constrained decoding ends."""

    attribute_edits: list[AttributeEdit] = Field(default_factory=list, max_length=12)
    cluster_edits: list[ClusterEdit] = Field(default_factory=list, max_length=12)
    question: str | None = Field(default=None, max_length=300)


@dataclass(frozen=True)
class Interpretation:
    """Edits to show for confirmation with a line describing each, or a question (then no edits)."""

    attribute_edits: list[dict[str, Any]] = field(default_factory=list)
    cluster_edits: list[dict[str, Any]] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    question: str | None = None


def _same(a: str | None, b: str | None) -> bool:
    return (a or "").strip().lower() == (b or "").strip().lower()


def _find_attribute(attributes: list[dict[str, Any]], key: str) -> dict[str, Any] | None:
    return next((a for a in attributes if _same(a["slug"], key) or _same(a["name"], key)), None)


def _check_attribute_edit(edit: AttributeEdit, attributes: list[dict[str, Any]]) -> str:
    """A description of the edit, or raises ValueError naming what the proposal lacks."""
    if edit.op == "add_attribute":
        if not (edit.level and edit.kind and len(edit.values) >= 4):
            raise ValueError(f"a new attribute {edit.attribute!r} needs a level, a kind and at least four values")
        return f"add attribute {edit.attribute} ({edit.level}, {edit.kind}): {', '.join(edit.values)}"
    attribute = _find_attribute(attributes, edit.attribute)
    if attribute is None:
        raise ValueError(f"there is no attribute {edit.attribute!r} in the proposal")
    name = attribute["name"]
    if edit.op == "remove_attribute":
        return f"remove attribute {name}"
    if edit.op == "rename_attribute":
        if not edit.new_name:
            raise ValueError(f"what should {name} be called?")
        return f"rename attribute {name} to {edit.new_name}"
    return _check_value_edit(edit, attribute)


def _check_value_edit(edit: AttributeEdit, attribute: dict[str, Any]) -> str:
    name = attribute["name"]
    if not edit.value:
        raise ValueError(f"which value of {name} do you mean?")
    present = next((v for v in attribute["values"] if _same(v, edit.value)), None)
    if edit.op == "add_value":
        if present is not None:
            raise ValueError(f"{name} already has {present}")
        return f"add {edit.value} to {name}"
    if present is None:
        raise ValueError(f"{name} has no value {edit.value!r}; its values are {', '.join(attribute['values'])}")
    if edit.op == "remove_value":
        return f"remove {present} from {name}"
    if not edit.new_name:
        raise ValueError(f"what should {present} be renamed to?")
    return f"rename {present} to {edit.new_name} in {name}"


def _check_cluster_edit(edit: ClusterEdit, clusters: list[dict[str, Any]]) -> str:
    cluster = next((c for c in clusters if _same(c["slug"], edit.cluster) or _same(c["name"], edit.cluster)), None)
    if cluster is None:
        raise ValueError(f"there is no cluster {edit.cluster!r} in the preview")
    if edit.op == "remove":
        return f"remove cluster {cluster['name']} ({cluster['keywords']} keywords)"
    if not edit.new_name:
        raise ValueError(f"what should cluster {cluster['name']} be called?")
    return f"rename cluster {cluster['name']} to {edit.new_name}"


def check_against_proposal(found: InterpretedEdits, review: dict[str, Any]) -> Interpretation:
    """Keep the model's edits only when every one fits the proposal on screen; otherwise ask."""
    stage: Stage = review["stage"]
    if found.question and not (found.attribute_edits or found.cluster_edits):
        return Interpretation(question=found.question)
    wrong_stage = found.cluster_edits if stage == "attributes" else found.attribute_edits
    if wrong_stage:
        other = "clusters" if stage == "attributes" else "attributes"
        return Interpretation(
            question=f"That changes the {other}, but this review is of the {stage}. "
            f"Approve the {stage} first, or say what to change here."
        )
    try:
        if stage == "attributes":
            descriptions = [_check_attribute_edit(e, review["attributes"]) for e in found.attribute_edits]
        else:
            descriptions = [_check_cluster_edit(e, review["clusters"]) for e in found.cluster_edits]
    except ValueError as exc:
        return Interpretation(question=f"I could not match that to the proposal: {exc}. What did you mean?")
    if not descriptions:
        return Interpretation(
            question="I could not turn that into an edit of the "
            f"{stage}. Say which {'value or attribute' if stage == 'attributes' else 'cluster'} to change, and how."
        )
    return Interpretation(
        attribute_edits=[e.model_dump(mode="json", exclude_none=True) for e in found.attribute_edits],
        cluster_edits=[e.model_dump(mode="json", exclude_none=True) for e in found.cluster_edits],
        descriptions=descriptions,
    )


def _proposal_text(review: dict[str, Any]) -> str:
    if review["stage"] == "attributes":
        shown = [{k: a[k] for k in ("slug", "name", "level", "kind", "values")} for a in review["attributes"]]
    else:
        shown = [{k: c[k] for k in ("slug", "name", "type", "hub", "keywords")} for c in review["clusters"]]
    return json.dumps(shown)[:6000]


class EditInterpreter:
    """Free text at a review pause → structured edits, through the architect role's model."""

    def __init__(self, gateway: ModelGateway) -> None:
        self.gateway = gateway

    def interpret(self, message: str, review: dict[str, Any], *, meter: Meter | None = None) -> Interpretation:
        ask = (
            f"The proposal under review ({review['stage']}):\n{_proposal_text(review)}\n\n"
            f"The person's message: {message.strip()[:2000]}"
        )
        found = self.gateway.structured(
            "architect",
            [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": ask}],
            InterpretedEdits,
            operation="chat",
            max_tokens=800,
            meter=meter,
        )
        return check_against_proposal(found, review)
