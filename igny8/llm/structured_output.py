"""Structured output: JSON schemas a cloud provider's strict mode accepts, and reading a model's JSON back.

Our own providers get the bounded pydantic schema; hosted providers get the same shape rewritten for
OpenAI's strict mode: every object closed (``additionalProperties: false``), every property required,
optional ones nullable, ``$ref`` inlined, bounds left to pydantic's validation afterwards. A null the
model sends for an optional field becomes the field's default again before validation.
"""

from __future__ import annotations

import json
import re
import types
import typing
from collections.abc import Sequence
from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, ValidationError


class SchemaNotStrict(ValueError):
    """A schema strict mode cannot express (a free-form mapping, a value of any type): JSON mode is used."""


_STRICT_KEYWORDS = ("type", "enum", "const", "description")


def admits_null(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    if None in schema.get("enum", ()) or ("const" in schema and schema["const"] is None):
        return True
    return any(admits_null(option) for option in schema.get("anyOf", ()))


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` or null: strict mode has no optional properties, so a field with a default may be null."""
    if admits_null(schema):
        return schema
    kind = schema.get("type")
    if kind in ("string", "number", "integer", "boolean") and not {"enum", "const"} & schema.keys():
        return {**schema, "type": [kind, "null"]}
    if "anyOf" in schema:
        return {**schema, "anyOf": [*schema["anyOf"], {"type": "null"}]}
    inner = {k: v for k, v in schema.items() if k != "description"}
    wrapped: dict[str, Any] = {"anyOf": [inner, {"type": "null"}]}
    if "description" in schema:
        wrapped["description"] = schema["description"]
    return wrapped


def _strict_node(
    node: dict[str, Any], defs: dict[str, Any], stack: tuple[str, ...], recursive: set[str]
) -> dict[str, Any]:
    ref = node.get("$ref")
    if isinstance(ref, str):
        return _strict_ref(ref, node, defs, stack, recursive)
    out: dict[str, Any] = {k: node[k] for k in _STRICT_KEYWORDS if k in node}
    options = node.get("anyOf", node.get("oneOf"))
    if options is not None:
        out["anyOf"] = [_strict_node(option, defs, stack, recursive) for option in options]
    if "allOf" in node:
        if len(node["allOf"]) != 1:
            raise SchemaNotStrict("allOf of several schemas")
        out = {**_strict_node(node["allOf"][0], defs, stack, recursive), **out}
    kinds = out.get("type") if isinstance(out.get("type"), list) else [out.get("type")]
    if "object" in kinds or "properties" in node:
        out.update(_strict_object(node, defs, stack, recursive))
    if "array" in kinds:
        out["items"] = _strict_items(node, defs, stack, recursive)
    if not {"type", "anyOf", "enum", "const"} & out.keys():
        raise SchemaNotStrict("a value of any type")
    return out


def _strict_ref(
    ref: str, node: dict[str, Any], defs: dict[str, Any], stack: tuple[str, ...], recursive: set[str]
) -> dict[str, Any]:
    name = ref.rsplit("/", 1)[-1]
    if name in stack:  # a recursive model: keep the reference, its definition goes to $defs
        recursive.add(name)
        return {"$ref": f"#/$defs/{name}"}
    if not ref.startswith("#/$defs/") or name not in defs:
        raise SchemaNotStrict(f"cannot resolve $ref {ref!r}")
    # Inlined: strict mode refuses keywords beside a $ref (pydantic puts a field's description there).
    target = _strict_node(defs[name], defs, (*stack, name), recursive)
    return {**target, "description": node["description"]} if "description" in node else target


def _strict_object(
    node: dict[str, Any], defs: dict[str, Any], stack: tuple[str, ...], recursive: set[str]
) -> dict[str, Any]:
    properties = node.get("properties") or {}
    extra = node.get("additionalProperties")
    if isinstance(extra, dict) or (extra is True and not properties):
        raise SchemaNotStrict("a mapping with free-form keys")
    required = set(node.get("required", ()))
    converted = {}
    for key, sub in properties.items():
        schema = _strict_node(sub, defs, stack, recursive)
        converted[key] = schema if key in required else _nullable(schema)
    return {
        "type": node.get("type", "object"),
        "properties": converted,
        "required": list(properties),
        "additionalProperties": False,
    }


def _strict_items(
    node: dict[str, Any], defs: dict[str, Any], stack: tuple[str, ...], recursive: set[str]
) -> dict[str, Any]:
    if isinstance(node.get("items"), dict):
        return _strict_node(node["items"], defs, stack, recursive)
    if node.get("prefixItems"):  # a tuple: strict mode has no positions, any listed item will do
        return {"anyOf": [_strict_node(item, defs, stack, recursive) for item in node["prefixItems"]]}
    raise SchemaNotStrict("a list of anything")


def strict_json_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` (pydantic's ``model_json_schema()``) rewritten so OpenAI strict mode accepts it.

    References are inlined (recursive ones stay as ``$defs``), every object is closed and lists every
    property as required, properties with defaults become nullable (:func:`restore_defaults` turns a null
    back into the default), and bounds and formats are dropped. Raises :class:`SchemaNotStrict`.
    """
    defs = schema.get("$defs", {})
    recursive: set[str] = set()
    root = _strict_node(schema, defs, (), recursive)
    if root.get("type") != "object":
        raise SchemaNotStrict("the root is not an object")
    kept: dict[str, Any] = {}
    while pending := sorted(recursive - kept.keys()):
        for name in pending:
            kept[name] = _strict_node(defs[name], defs, (name,), recursive)
    if kept:
        root["$defs"] = kept
    return root


def _admits_none(annotation: Any) -> bool:
    if annotation is Any or annotation is None or annotation is type(None):
        return True
    origin = get_origin(annotation)
    if origin is Annotated:
        return _admits_none(get_args(annotation)[0])
    if origin is typing.Union or origin is types.UnionType:
        return any(_admits_none(arg) for arg in get_args(annotation))
    return False


def _nested_models(annotation: Any) -> list[tuple[bool, type[BaseModel]]]:
    """The pydantic models inside a field's type, each with whether it sits in a list."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _nested_models(get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [(False, annotation)]
    if origin is typing.Union or origin is types.UnionType:
        return [found for arg in get_args(annotation) for found in _nested_models(arg)]
    if origin in (list, tuple, set, frozenset, Sequence):
        return [(True, m) for arg in get_args(annotation) for in_list, m in _nested_models(arg) if not in_list]
    return []


def restore_defaults(data: Any, model: type[BaseModel]) -> Any:
    """Drop a null the model sent for a field that has a default and does not admit null.

    The strict schema made such fields nullable (strict mode has no optional properties); a null there
    means "use the default", which pydantic only applies when the key is absent.
    """
    if not isinstance(data, dict):
        return data
    for name, field in model.model_fields.items():
        key = field.alias or name
        if key not in data:
            continue
        value = data[key]
        if value is None:
            if not field.is_required() and not _admits_none(field.annotation):
                del data[key]
            continue
        nested = _nested_models(field.annotation)
        if len(nested) != 1:  # no model, or a union of models: nothing to descend into unambiguously
            continue
        in_list, inner = nested[0]
        for item in value if in_list and isinstance(value, list) else [value]:
            restore_defaults(item, inner)
    return data


def extract_json(text: str) -> str:
    """Models without constrained decoding wrap JSON in prose or code fences; take the object."""
    fenced = re.search(r"```(?:json)?\s*(\{.*\}|\[.*\])\s*```", text, re.DOTALL)
    if fenced:
        return fenced.group(1)
    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    return text[start:] if start >= 0 else text


def parse_json(text: str) -> Any:
    """The first JSON value in ``text``; prose after it (common without constrained decoding) is ignored."""
    value, _ = json.JSONDecoder().raw_decode(extract_json(text))
    return value


def validation_summary(error: ValidationError | json.JSONDecodeError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"not valid JSON ({error.msg} at position {error.pos})"
    problems = [f"{'.'.join(str(p) for p in e['loc']) or '(root)'}: {e['msg']}" for e in error.errors()[:10]]
    return "; ".join(problems)


# Response formats, strongest first; a provider that refuses one is asked for the next.
