"""A person's edits at the review pauses: add, remove and rename values and attributes; rename or remove
clusters. Edits apply all together or not at all."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import ConfigDict, Field

from igny8.domain.blueprint import Attribute, Cluster
from igny8.domain.catalog import THIN_VALUES, AttributeKind, AttributeLevel, KeywordTemplate
from igny8.domain.text import InputModel
from igny8.tools.sag.attribute_population import MAX_VALUES, MIN_VALUES, AttributeSet, SectorPlan, _generic_templates


class EditError(ValueError):
    """An edit that cannot apply; nothing from the batch was applied."""


class AttributeEdit(InputModel):
    model_config = ConfigDict(extra="forbid")

    op: Literal["add_value", "remove_value", "rename_value", "add_attribute", "remove_attribute", "rename_attribute"]
    attribute: str = Field(min_length=1, max_length=60, description="slug or name")
    value: str | None = Field(default=None, max_length=60)
    new_name: str | None = Field(default=None, max_length=60)
    level: AttributeLevel | None = None
    kind: AttributeKind | None = None
    values: list[str] = Field(default_factory=list, max_length=12)


class ClusterEdit(InputModel):
    model_config = ConfigDict(extra="forbid")

    op: Literal["remove", "rename"]
    cluster: str = Field(min_length=1, max_length=80, description="slug or name")
    new_name: str | None = Field(default=None, max_length=80)


class ReviewAnswer(InputModel):
    """Edits to apply (then the review is shown again), or none to approve. ``approve`` makes the answer a
    non-empty object: LangGraph reads an empty dict given to ``Command(resume=...)`` as 'no answers'."""

    model_config = ConfigDict(extra="forbid")

    approve: bool = False
    attribute_edits: list[AttributeEdit] = Field(default_factory=list, max_length=100)
    cluster_edits: list[ClusterEdit] = Field(default_factory=list, max_length=100)


def _find(attributes: list[Attribute], key: str) -> Attribute:
    wanted = key.strip().lower()
    found = next((a for a in attributes if a.slug == wanted or a.name.lower() == wanted), None)
    if found is None:
        raise EditError(f"no attribute {key!r}; attributes are: {', '.join(a.slug for a in attributes)}")
    return found


def _check_value(value: str | None) -> str:
    if value is None or not value.strip():
        raise EditError("the edit needs a value")
    value = re.sub(r"\s+", " ", value).strip()
    if value.lower() in THIN_VALUES or len(value) < 2 or len(value.split()) > 5:
        raise EditError(f"{value!r} cannot carry a landing page of its own (2+ characters, at most 5 words, specific)")
    return value


def _rename_value_in_templates(plans: list[SectorPlan], slug: str, old: str, new: str) -> list[SectorPlan]:
    def fix(template: KeywordTemplate) -> KeywordTemplate:
        only = {
            k: [new if v.lower() == old.lower() and k == slug else v for v in vs] for k, vs in template.only.items()
        }
        exclude = [
            [f"{slug}={new}" if t.lower() == f"{slug}={old}".lower() else t for t in rule] for rule in template.exclude
        ]
        return template.model_copy(update={"only": only, "exclude": exclude})

    return [SectorPlan(p.sector, [fix(t) for t in p.keyword_templates]) for p in plans]


def apply_attribute_edits(attribute_set: AttributeSet, edits: list[AttributeEdit]) -> AttributeSet:
    attributes = [a.model_copy(deep=True) for a in attribute_set.attributes]
    plans = list(attribute_set.sectors)
    for edit in edits:
        if edit.op == "add_attribute":
            name = _check_value(edit.attribute)
            slug = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")
            if any(a.slug == slug for a in attributes):
                raise EditError(f"attribute {slug!r} already exists")
            if edit.level is None or edit.kind is None:
                raise EditError("add_attribute needs a level and a kind")
            values = [_check_value(v) for v in edit.values]
            attributes.append(Attribute(slug=slug, name=name, level=edit.level, kind=edit.kind, values=values))
            category = next((a.slug for a in attributes if a.kind == "category" and a.level == "primary"), None)
            extra = _generic_templates(edit.kind, slug, category)
            plans = [SectorPlan(p.sector, p.keyword_templates + extra) for p in plans]
            continue
        attribute = _find(attributes, edit.attribute)
        if edit.op == "remove_attribute":
            attributes.remove(attribute)
            marker = "{" + attribute.slug + "}"
            plans = [SectorPlan(p.sector, [t for t in p.keyword_templates if marker not in t.pattern]) for p in plans]
        elif edit.op == "rename_attribute":
            attribute.name = _check_value(edit.new_name)
        elif edit.op == "add_value":
            value = _check_value(edit.value)
            if any(value.lower() == v.lower() for a in attributes for v in a.values):
                raise EditError(f"{value!r} is already a value")
            attribute.values.append(value)
        elif edit.op == "remove_value":
            match = next((v for v in attribute.values if v.lower() == (edit.value or "").strip().lower()), None)
            if match is None:
                raise EditError(f"{attribute.name!r} has no value {edit.value!r}")
            attribute.values.remove(match)
        elif edit.op == "rename_value":
            match = next((v for v in attribute.values if v.lower() == (edit.value or "").strip().lower()), None)
            if match is None:
                raise EditError(f"{attribute.name!r} has no value {edit.value!r}")
            new = _check_value(edit.new_name)
            attribute.values[attribute.values.index(match)] = new
            plans = _rename_value_in_templates(plans, attribute.slug, match, new)
    problems = [
        f"{a.name!r} has {len(a.values)} values; needs {MIN_VALUES}–{MAX_VALUES}"
        for a in attributes
        if not MIN_VALUES <= len(a.values) <= MAX_VALUES
    ]
    if not any(a.kind == "category" and a.level == "primary" for a in attributes):
        problems.append("no primary attribute of kind 'category' is left")
    if problems:
        raise EditError("the edits would break the constraints: " + "; ".join(problems) + ". Nothing was changed.")
    return AttributeSet(attributes, plans, attribute_set.notes)


def apply_cluster_edits(clusters: list[Cluster], edits: list[ClusterEdit]) -> tuple[list[Cluster], list[str]]:
    """Returns the clusters and the keywords released by removed clusters."""
    out = [c.model_copy(deep=True) for c in clusters]
    released: list[str] = []
    for edit in edits:
        key = edit.cluster.strip().lower()
        found = next((c for c in out if c.slug == key or c.name.lower() == key), None)
        if found is None:
            raise EditError(f"no cluster {edit.cluster!r}")
        if edit.op == "remove":
            out.remove(found)
            released += [k.text for k in found.keywords]
        else:
            new = _check_value(edit.new_name) if edit.new_name else None
            if new is None:
                raise EditError("rename needs a new name")
            found.hub.title = found.hub.title.replace(found.name, new) if found.name in found.hub.title else new
            found.name = new
    return out, released
