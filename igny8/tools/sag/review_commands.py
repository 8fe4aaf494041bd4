"""Review edits typed as lines of text (the command line's review prompt and chat messages)."""

from __future__ import annotations

import shlex
from typing import Any

from igny8.tools.sag.attribute_edits import AttributeEdit, ClusterEdit

APPROVALS = {"", "ok", "okay", "yes", "y", "approve", "approved", "looks good", "continue", "lgtm"}


REVIEW_HELP = """Enter edits, one per line, then an empty line. An empty first line approves.
  attributes: add value ATTR VALUE | remove value ATTR VALUE | rename value ATTR OLD = NEW
              rename attribute ATTR = NEW NAME | remove attribute ATTR
              add attribute NAME LEVEL KIND = VALUE, VALUE, VALUE, VALUE
  clusters:   remove cluster SLUG | rename cluster SLUG = NEW NAME"""


def parse_review_lines(lines: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Turn typed edit lines into a review answer; raises ValueError with the line that does not parse."""
    attribute_edits: list[dict[str, Any]] = []
    cluster_edits: list[dict[str, Any]] = []
    for line in lines:
        head, _, tail = line.partition("=")
        words = shlex.split(head)
        if len(words) < 3:
            raise ValueError(f"cannot read {line!r}")
        verb, noun, target, rest = words[0], words[1], words[2], " ".join(words[3:])
        new = tail.strip() or None
        if noun == "cluster" and verb in {"remove", "rename"}:
            cluster_edits.append({"op": verb, "cluster": target, "new_name": new})
        elif noun == "value" and verb in {"add", "remove"}:
            attribute_edits.append({"op": f"{verb}_value", "attribute": target, "value": rest})
        elif noun == "value" and verb == "rename":
            attribute_edits.append({"op": "rename_value", "attribute": target, "value": rest, "new_name": new})
        elif noun == "attribute" and verb in {"remove", "rename"}:
            attribute_edits.append({"op": f"{verb}_attribute", "attribute": target, "new_name": new})
        elif noun == "attribute" and verb == "add" and len(words) >= 5 and new:
            attribute_edits.append(
                {
                    "op": "add_attribute",
                    "attribute": " ".join(words[2:-2]),
                    "level": words[-2],
                    "kind": words[-1],
                    "values": [v.strip() for v in new.split(",") if v.strip()],
                }
            )
        else:
            raise ValueError(f"cannot read {line!r}")
    for edit in attribute_edits:
        AttributeEdit.model_validate(edit)
    for edit in cluster_edits:
        ClusterEdit.model_validate(edit)
    return {
        "approve": not (attribute_edits or cluster_edits),
        "attribute_edits": attribute_edits,
        "cluster_edits": cluster_edits,
    }


def parse_review_message(text: str) -> dict[str, Any]:
    """A chat message: a word of approval, or edit lines."""
    if text.strip().lower().rstrip(".!") in APPROVALS:
        return {"approve": True, "attribute_edits": [], "cluster_edits": []}
    return parse_review_lines([line.strip() for line in text.splitlines() if line.strip()])
