"""The OpenAPI contract tells the truth: every status an operation can return is declared with the error
envelope's schema, derived from what the operation takes (a body, parameters, a key, a kind of key); values
from a fixed list are enumerations (industries and their sectors from the catalog); strings say that they
cannot hold a NUL character, as the validators do."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel, BeforeValidator, Field
from starlette.routing import compile_path

from igny8.api.envelope import ApiError
from igny8.catalog.loader import Catalog, CatalogError, load_catalog


# An id in a JSON body: bigserial ids, limited to the integers a JSON number carries exactly (2**53 - 1), so
# that a client's float encoding of an id cannot round it to another one.
def _json_integer(value: Any) -> Any:
    """A JSON integer (2.0 counts, as JSON Schema says), not true/false nor a numeric string."""
    if isinstance(value, bool | str):
        raise ValueError("must be a JSON integer")
    return value


JsonId = Annotated[int, Field(ge=1, le=2**53 - 1), BeforeValidator(_json_integer)]
JsonCount = Annotated[int, Field(ge=0, le=2**31 - 1), BeforeValidator(_json_integer)]


class ErrorEnvelope(BaseModel):
    """Every error: a message that says what to fix, the fields at fault, and the request id."""

    success: Literal[False]
    error: str
    errors: dict[str, list[str]]
    request_id: str


MEANINGS = {
    400: "malformed JSON",
    401: "missing or wrong API key",
    403: "the wrong kind of key (an account key where a site key is needed, or the other way round)",
    404: "not found (another tenant's ids answer the same)",
    409: "the resource is not in a state that allows this",
    413: "the request body is larger than IGNY8_API_MAX_BODY_BYTES",
    422: "the request does not validate; `errors` names each field",
    429: "too many requests for this key; wait Retry-After seconds",
    500: "internal error (details in the server log under the request id)",
    503: "the request ran past IGNY8_API_REQUEST_TIMEOUT_S, or the service is not ready",
}
_RETRY_AFTER = {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer", "minimum": 1}}}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for ``codes``, each with the error envelope's schema."""
    return {
        code: {
            "model": ErrorEnvelope,
            "description": MEANINGS[code],
            **({"headers": _RETRY_AFTER} if code == 429 else {}),
        }
        for code in codes
    }


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


Statuses = dict[tuple[str, str], set[int]]  # (method, path) → error statuses


def error_statuses(
    routers: list[APIRouter],
    prefix: str,
    *,
    authenticated_by: set[Callable[..., Any]],
    kinds: set[Callable[..., Any]],
) -> Statuses:
    """The error statuses each operation can answer, from what it takes: a body (400 malformed JSON, 413 too
    large, 422), parameters (422; a path id also 404), a key (401, 429) and a kind of key (403); every
    operation may answer 500 and 503 (the time limit)."""
    found: Statuses = {}
    for router in routers:
        for route in router.routes:
            if not isinstance(route, APIRoute) or not route.include_in_schema:
                continue
            calls = set(_calls(route.dependant))
            dependant = route.dependant
            codes = {500, 503}
            if route.body_field is not None:
                codes |= {400, 413, 422}
            if dependant.path_params or dependant.query_params or dependant.header_params:
                codes.add(422)
            if dependant.path_params:
                codes.add(404)
            if calls & authenticated_by:
                codes |= {401, 429}
            if calls & kinds:
                codes.add(403)
            for method in route.methods or ():
                found[(method.lower(), prefix + route.path)] = codes
    return found


def allowed_methods(routers: list[APIRouter], prefix: str) -> Callable[[str], list[str]]:
    """The methods a concrete path allows, over every route whose template matches it (a 405's Allow)."""
    templates: list[tuple[re.Pattern[str], set[str]]] = []
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute):
                templates.append((compile_path(prefix + route.path)[0], set(route.methods or ())))

    def allowed(path: str) -> list[str]:
        return sorted({m for pattern, methods in templates if pattern.match(path) for m in methods})

    return allowed


def _declare(document: dict[str, Any], statuses: Statuses) -> None:
    envelope = f"#/components/schemas/{ErrorEnvelope.__name__}"
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    schemas[ErrorEnvelope.__name__] = ErrorEnvelope.model_json_schema()
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code in sorted(statuses.get((method, path), set())):
                if str(code) in responses and code != 422:  # 422: ours, not FastAPI's HTTPValidationError
                    continue
                responses[str(code)] = {
                    "description": MEANINGS[code],
                    "content": {"application/json": {"schema": {"$ref": envelope}}},
                    **({"headers": _RETRY_AFTER} if code == 429 else {}),
                }


# --- catalog choices and storable strings in the schema ---

# PostgreSQL text cannot hold a NUL, and the validators refuse it. (Lone surrogates are refused too, but
# schema generators cannot read a surrogate range in a pattern; they do not generate lone surrogates either.)
_UNSTORABLE = r"\x00"
_NO_NUL = rf"^[^{_UNSTORABLE}]*$"
# Python's whitespace (str.split, str.strip, re's \s), spelled out: other regex engines' \s differ.
_SPACE_CHARS = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
WS, NOT_WS = f"[{_SPACE_CHARS}]", f"[^{_SPACE_CHARS}]"
# What pydantic's str_strip_whitespace strips (Unicode White_Space: not \x1c-\x1f, which Python splits on).
_TRIM_CHARS = r"\t\n\x0b\x0c\r\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_ITEM_CHAR = rf"[^{_SPACE_CHARS}{_UNSTORABLE}(){{}}\[\]\\;<>|=*]"
# BusinessDetails items: 2+ characters, at most 5 words, none of the characters a page name cannot hold.
_BUSINESS_ITEM = rf"^{WS}*(?={NOT_WS}{WS}*{NOT_WS}){_ITEM_CHAR}+(?:{WS}+{_ITEM_CHAR}+){{0,4}}{WS}*$"
# The slug of a sector outside the catalog (custom_sectors.sector_slug: 2–80 lowercase letters, digits, dashes).
OWN_SECTOR_SLUG = r"^[a-z0-9][a-z0-9-]{0,78}[a-z0-9]$"


def catalog_choices(schema: dict[str, Any]) -> None:
    """``json_schema_extra`` of a body with ``industry`` and ``sectors``: one branch per industry, whose sectors
    are an enumeration of that industry's slugs (sectors of another industry are refused)."""
    catalog = load_catalog()
    schema["properties"]["industry"]["enum"] = [i.slug for i in catalog.industries]
    schema["properties"]["sectors"]["uniqueItems"] = True
    schema["oneOf"] = [
        {
            "properties": {
                "industry": {"const": industry.slug},
                "sectors": {"items": {"enum": [s.slug for s in industry.sectors]}},
            }
        }
        for industry in catalog.industries
    ]


def catalog_or_own_choices(schema: dict[str, Any]) -> None:
    """``catalog_choices``, where a sector may also be the slug of one outside the catalog that the account has
    a template of its own for (a slug without one answers 409: it names nothing of the account's)."""
    catalog_choices(schema)
    own = {"pattern": OWN_SECTOR_SLUG, "description": "a sector outside the catalog with the account's own template"}
    for branch in schema["oneOf"]:
        catalog_enum = branch["properties"]["sectors"]["items"]
        branch["properties"]["sectors"]["items"] = {"anyOf": [catalog_enum, own]}


def _names_nothing_of_the_account(catalog: Catalog, industry: str, sectors: list[str], own: dict[str, str]) -> bool:
    """Every sector is slug-shaped (the contract accepts it) yet one is neither a catalog sector of the industry
    nor one of the account's own."""
    if not all(re.fullmatch(OWN_SECTOR_SLUG, name) for name in sectors):
        return False
    try:
        catalog_slugs = {s.slug for s in catalog.industry(industry).sectors}
    except CatalogError:
        return False
    return any(name not in catalog_slugs and own.get(name) != industry for name in sectors)


@contextmanager
def unknown_sectors_conflict(
    catalog: Catalog, industry: str, sectors: list[str], own: dict[str, str]
) -> Iterator[None]:
    """Around resolving a body's sectors: a slug that names nothing of the catalog or of the account is a conflict
    with what the account has (409); a malformed name stays what the catalog says (422)."""
    try:
        yield
    except CatalogError as exc:
        if _names_nothing_of_the_account(catalog, industry, sectors, own):
            choose = f"choose sectors of industry {industry}, or sectors the account has a template for"
            raise ApiError(409, str(exc), {"sectors": [choose]}) from exc
        raise


def all_sectors(schema: dict[str, Any]) -> None:
    """``json_schema_extra`` of a body that names sectors of a site's industry: any catalog sector (one of
    another industry than the site's answers 409)."""
    schema["properties"]["sectors"]["items"]["enum"] = sorted(
        s.slug for industry in load_catalog().industries for s in industry.sectors
    )
    schema["properties"]["sectors"]["uniqueItems"] = True


def _strings_without_nul(node: Any) -> None:
    if isinstance(node, list):
        for item in node:
            _strings_without_nul(item)
        return
    if not isinstance(node, dict):
        return
    if node.get("type") == "string" and not {"enum", "const", "format"} & node.keys():
        if "pattern" in node:
            node.setdefault("not", {"pattern": f"[{_UNSTORABLE}]"})
        else:
            node["pattern"] = _NO_NUL
    if node.get("type") == "object" and isinstance(node.get("additionalProperties"), dict):
        node.setdefault("propertyNames", {"pattern": _NO_NUL})
    for value in node.values():
        _strings_without_nul(value)


def _not_null(parameter: dict[str, Any]) -> None:
    """A parameter is absent or has a value: it cannot carry JSON's null (FastAPI writes ``T | None``)."""
    schema = parameter.get("schema", {})
    branches = [b for b in schema.get("anyOf", []) if b.get("type") != "null"]
    if len(branches) == 1 and len(branches) < len(schema["anyOf"]):
        del schema["anyOf"]
        schema.update(branches[0])


def _stripped_length(most: int) -> str:
    """A lookahead: at most ``most`` characters once the spaces around are stripped."""
    trim, kept = f"[{_TRIM_CHARS}]", f"[^{_TRIM_CHARS}]"
    return rf"(?={trim}*(?:{kept}(?:[\s\S]{{0,{most - 2}}}{kept})?)?{trim}*$)"


def _business_items(components: dict[str, Any]) -> None:
    """BusinessDetails strips spaces before it counts characters; its list items are names of 2+ characters
    and at most 5 words."""
    business = components.get("BusinessDetails", {}).get("properties", {})
    for field in business.values():
        if field.get("type") == "array":
            item = field["items"]
            item["pattern"] = "^" + _stripped_length(item.pop("maxLength")) + _BUSINESS_ITEM[1:]
        for branch in field.get("anyOf", []):
            if branch.get("type") == "string" and "maxLength" in branch:
                branch["pattern"] = "^" + _stripped_length(branch.pop("maxLength"))


def install_contract(app: FastAPI, statuses: Statuses) -> None:
    """Build the OpenAPI document once: each operation's error statuses declared with the envelope's schema,
    the request schemas completed as described above."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                openapi_version=app.openapi_version,
                description=app.description,
                routes=app.routes,
            )
            _declare(document, statuses)
            components = document.get("components", {}).get("schemas", {})
            _business_items(components)
            for name, schema in components.items():
                if name != ErrorEnvelope.__name__:
                    _strings_without_nul(schema)
            for path in document.get("paths", {}).values():
                for operation in path.values():
                    for parameter in operation.get("parameters", []):
                        _not_null(parameter)
                        _strings_without_nul(parameter)
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
