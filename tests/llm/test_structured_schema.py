"""The schema ``structured()`` sends: strict-mode shape for hosted providers, bounds for our own, and a
fallback to JSON mode (then plain text) for providers that refuse it."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Annotated, Any, Literal

import litellm
import pytest
from pydantic import BaseModel, Field

import igny8
from igny8.config import Settings
from igny8.llm import fake, gateway, providers, structured_output
from igny8.llm.gateway import ModelGateway
from igny8.llm.structured_output import SchemaNotStrict, strict_json_schema
from tests.llm.conftest import OpenAIStub

# What OpenAI strict mode takes (platform.openai.com/docs/guides/structured-outputs, "Supported schemas"),
# narrowed to what every strict provider takes: no bounds, formats or patterns.
STRICT_KEYWORDS = {"type", "properties", "required", "additionalProperties", "items", "anyOf", "enum", "const"}
STRICT_KEYWORDS |= {"description", "title", "$ref", "$defs"}


def _node_problems(schema: dict[str, Any], path: str) -> list[str]:
    problems = [f"{path}: unsupported keyword {k!r}" for k in sorted(schema.keys() - STRICT_KEYWORDS)]
    if "$ref" in schema and len(schema) > 1:
        problems.append(f"{path}: keywords beside $ref: {sorted(schema.keys() - {'$ref'})}")
    kinds = schema.get("type") if isinstance(schema.get("type"), list) else [schema.get("type")]
    if "object" in kinds and schema.get("additionalProperties") is not False:
        problems.append(f"{path}: object without additionalProperties false")
    if "object" in kinds and sorted(schema.get("required", [])) != sorted(schema.get("properties", {})):
        problems.append(f"{path}: required is not every property")
    if "array" in kinds and not isinstance(schema.get("items"), dict):
        problems.append(f"{path}: array without items")
    if not {"type", "anyOf", "enum", "const", "$ref"} & schema.keys():
        problems.append(f"{path}: a value of any type")
    return problems


def strict_violations(schema: Any, path: str = "#") -> list[str]:
    """Every way ``schema`` breaks the strict-mode rules (empty when a strict provider accepts it)."""
    if not isinstance(schema, dict):
        return [f"{path}: not a schema object"]
    children = [(f"{path}/properties/{k}", sub) for k, sub in schema.get("properties", {}).items()]
    children += [(f"{path}/$defs/{k}", sub) for k, sub in schema.get("$defs", {}).items()]
    children += [(f"{path}/anyOf/{i}", sub) for i, sub in enumerate(schema.get("anyOf", []))]
    if "items" in schema:
        children.append((f"{path}/items", schema["items"]))
    return _node_problems(schema, path) + [p for where, sub in children for p in strict_violations(sub, where)]


# Calls that pass the output type on: ask_about_data(gateway, role, instructions, payload, output_type, ...)
# forwards its parameter to .structured (its callers are checked instead).
FORWARDERS = {"ask_about_data": 4}
# Output types built per call (one answer per item of a batch): an example of each, keyed by where it is built.
DYNAMIC_OUTPUT_TYPES: dict[tuple[str, str], Any] = {
    ("igny8.agents.site_reader", "output_type"): lambda ns: ns["_placements_model"](["hub-a", "hub-b"], 3),
    ("igny8.agents.keyword_filer", "output_type"): lambda ns: ns["_placements_model"](["hub-a", "hub-b"], 3),
}


def _output_type_argument(call: ast.Call) -> ast.expr | None:
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr == "structured":
        position = 2
    elif isinstance(func, ast.Name) and func.id in FORWARDERS:
        position = FORWARDERS[func.id]
    else:
        return None
    if len(call.args) > position:
        return call.args[position]
    return next(k.value for k in call.keywords if k.arg == "output_type")


def _forwarded_parameter(tree: ast.AST, call: ast.Call, typed: ast.expr) -> bool:
    """True when ``typed`` is a parameter of the function around ``call`` (that function forwards it)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and any(inner is call for inner in ast.walk(node)):
            return isinstance(typed, ast.Name) and typed.id in {a.arg for a in node.args.args + node.args.kwonlyargs}
    return False


def structured_output_types() -> dict[str, type[BaseModel]]:
    """Every model passed to ``.structured(...)`` anywhere in the package, found in the source."""
    root = Path(igny8.__file__).parent
    found: dict[str, type[BaseModel]] = {}
    for file in sorted(root.rglob("*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"))
        calls = [
            (node, typed)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and (typed := _output_type_argument(node)) is not None
        ]
        if not calls:
            continue
        module_name = ".".join(file.relative_to(root.parent).with_suffix("").parts)
        namespace = vars(importlib.import_module(module_name))
        for call, typed in calls:
            where = f"{module_name}:{call.lineno}"
            dynamic = DYNAMIC_OUTPUT_TYPES.get((module_name, ast.unparse(typed)))
            if dynamic is not None:
                output_type = dynamic(namespace)
            elif _forwarded_parameter(tree, call, typed):
                continue
            else:
                try:
                    output_type = eval(compile(ast.Expression(typed), where, "eval"), namespace)  # noqa: S307
                except NameError as error:
                    raise AssertionError(f"{where}: cannot resolve the output type {ast.unparse(typed)}") from error
            assert isinstance(output_type, type) and issubclass(output_type, BaseModel), where
            found[where] = output_type
    return found


OUTPUT_TYPES = structured_output_types()


def test_the_package_has_structured_calls() -> None:
    assert any(t.__name__ == "DiscoveredTemplate" for t in OUTPUT_TYPES.values())


@pytest.mark.parametrize("where", sorted(OUTPUT_TYPES))
def test_every_structured_output_type_has_a_strict_schema(where: str) -> None:
    output_type = OUTPUT_TYPES[where]
    schema = strict_json_schema(output_type.model_json_schema())
    assert strict_violations(schema) == []
    assert schema["type"] == "object"


class Inner(BaseModel):
    """A nested model (pydantic emits a $ref to it)."""

    label: str = Field(min_length=2, max_length=20, pattern=r"^[a-z]+$")


class Tree(BaseModel):
    name: str
    children: list[Tree] = Field(default_factory=list, max_length=3)


class Mixed(BaseModel):
    title: Annotated[str, Field(max_length=60)]
    level: Literal["primary", "secondary"] = "primary"
    score: float = Field(default=0.5, ge=0, le=1)
    note: str | None = None
    inner: Inner = Field(description="beside the $ref in pydantic's schema")
    others: list[Inner] = Field(default_factory=list, max_length=4)
    maybe: Inner | None = None
    pair: tuple[int, str] = (1, "a")


def test_strict_schema_closes_objects_requires_everything_and_makes_defaults_nullable() -> None:
    schema = strict_json_schema(Mixed.model_json_schema())
    assert strict_violations(schema) == []
    properties = schema["properties"]
    assert properties["title"] == {"type": "string"}  # the bound is dropped (and kept in the prompt)
    assert properties["score"]["type"] == ["number", "null"]
    assert {"type": "null"} in properties["level"]["anyOf"]
    assert properties["inner"]["description"] == "beside the $ref in pydantic's schema"
    assert properties["inner"]["properties"]["label"] == {"type": "string"}
    assert "$defs" not in schema  # everything inlined
    nullable = {key for key, sub in properties.items() if structured_output.admits_null(sub)}
    assert nullable == {"level", "score", "note", "others", "maybe", "pair"}  # every field with a default


def test_recursive_models_keep_their_definitions() -> None:
    schema = strict_json_schema(Tree.model_json_schema())
    assert strict_violations(schema) == []
    assert schema["$defs"]["Tree"]["properties"]["children"]["anyOf"][0]["items"] == {"$ref": "#/$defs/Tree"}


def test_free_form_values_cannot_be_strict() -> None:
    class Loose(BaseModel):
        extra: dict[str, str]

    class Anything(BaseModel):
        value: Any

    for model in (Loose, Anything):
        with pytest.raises(SchemaNotStrict):
            strict_json_schema(model.model_json_schema())


ASK = [{"role": "user", "content": "A title, please."}]


def _sent_format(call: dict[str, Any]) -> dict[str, Any] | None:
    return call["params"].get("response_format")


def test_own_providers_get_the_bounded_schema(settings: Settings) -> None:
    with fake.override(fake.ScriptedModel(replies=[{"title": "Implants", "inner": {"label": "ab"}}])) as m:
        ModelGateway(settings).structured("writer", ASK, Mixed, operation="chat")
    schema = _sent_format(m.calls[0])["json_schema"]["schema"]
    assert schema == Mixed.model_json_schema()
    assert schema["properties"]["title"]["maxLength"] == 60


def test_hosted_providers_get_the_strict_schema_and_nulls_become_defaults(settings: Settings) -> None:
    answer = {
        "title": "Implants",
        "level": None,
        "score": None,
        "note": None,
        "inner": {"label": "ab"},
        "others": None,
        "maybe": None,
        "pair": None,
    }
    with fake.override(fake.ScriptedModel(replies=[answer], hosted=True)) as m:
        result = ModelGateway(settings).structured("writer", ASK, Mixed, operation="chat")
    assert result == Mixed(title="Implants", inner=Inner(label="ab"))
    sent = _sent_format(m.calls[0])
    assert sent["json_schema"]["strict"] is True
    assert strict_violations(sent["json_schema"]["schema"]) == []
    assert "maxLength" in m.calls[0]["messages"][0]["content"]  # the bounds still reach the model


def test_nulls_inside_nested_lists_become_defaults(settings: Settings) -> None:
    class Item(BaseModel):
        name: str
        weight: int = 1

    class Basket(BaseModel):
        items: list[Item]

    reply = {"items": [{"name": "a", "weight": None}, {"name": "b", "weight": 3}]}
    with fake.override(fake.ScriptedModel(replies=[reply], hosted=True)):
        result = ModelGateway(settings).structured("writer", ASK, Basket, operation="chat")
    assert [i.weight for i in result.items] == [1, 3]


def test_a_refused_schema_falls_back_to_json_mode_once_per_model(settings: Settings) -> None:
    gw = ModelGateway(settings)
    scripted = fake.ScriptedModel(default={"title": "Implants", "inner": {"label": "ab"}}, hosted=True)
    scripted.refuses = ("json_schema",)
    with fake.override(scripted) as m:
        first = gw.structured("writer", ASK, Mixed, operation="chat")
        second = gw.structured("architect", ASK, Mixed, operation="chat")
    assert first.title == second.title == "Implants"
    assert m.refused == ["json_schema"]  # remembered: the second call did not try the schema again
    assert [_sent_format(c) for c in m.calls] == [{"type": "json_object"}] * 2


def test_refused_json_mode_falls_back_to_the_schema_in_the_prompt(settings: Settings) -> None:
    scripted = fake.ScriptedModel(
        replies=['Sure! {"title": "x"}', 'Here it is: {"title": "Implants", "inner": {"label": "ab"}} Enjoy.'],
        hosted=True,
        refuses=("json_schema", "json_object"),
    )
    with fake.override(scripted) as m:
        result = ModelGateway(settings).structured("writer", ASK, Mixed, operation="chat")
    assert result.inner.label == "ab"  # validated after the one repair attempt
    assert m.refused == ["json_schema", "json_object"]
    assert all("response_format" not in c["params"] for c in m.calls)
    assert '"maxLength":60' in m.calls[0]["messages"][0]["content"]


def test_other_bad_requests_are_not_mistaken_for_a_refused_format() -> None:
    too_long = litellm.ContextWindowExceededError(
        message="prompt too long for json_schema", model="m", llm_provider="p"
    )
    refused = litellm.BadRequestError(message="response_format json_schema unsupported", model="m", llm_provider="p")
    unrelated = litellm.BadRequestError(message="temperature must be 1", model="m", llm_provider="p")
    assert providers.rejects_response_format(refused)
    assert not providers.rejects_response_format(too_long)
    assert not providers.rejects_response_format(unrelated)


def test_the_api_key_never_appears_in_errors(
    data_dir: Path, openai_stub: OpenAIStub, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "sk-igny8-test-0123456789abcdef"
    # A server that echoes the key it was given, as some providers and proxies do.
    openai_stub.respond = lambda path, headers, body: (
        401,
        {"error": {"message": f"Incorrect API key provided: {headers['authorization']}", "type": "invalid_request"}},
    )
    settings = Settings(
        data_dir=data_dir,
        embedder="fake",
        environment="test",
        writer_model="openai/gpt-4o-mini",
        model_api_base=openai_stub.base_url,
        model_api_key=secret,
        model_retries=0,
    )
    monkeypatch.setattr(gateway, "ALLOW_MODEL_REQUESTS", True)
    with pytest.raises(Exception) as caught:
        ModelGateway(settings).structured("writer", ASK, Mixed, operation="chat")
    assert openai_stub.requests and openai_stub.requests[0]["headers"]["authorization"] == f"Bearer {secret}"
    chain: list[BaseException] = []
    error: BaseException | None = caught.value
    while error is not None and error not in chain:
        chain.append(error)
        error = error.__cause__ or error.__context__
    assert "Incorrect API key provided" in str(caught.value)
    for link in chain:
        assert secret not in str(link) and secret not in repr(link.args)
