"""The top-level shape of a payload, checked against GitHub's webhook schemas before any handler
sees it: each known property (installation, repository, organization, sender, the event's own
object) is of the type the schema gives, and the ones every action requires are there."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import util
from pathlib import Path
from typing import Any, TypeGuard

import orjson

from app.platform.errors import WardenError

INT64 = 2**63
#: Properties whose shape handlers and the inbox rely on, for every event.
COMMON = ("installation", "repository", "organization", "sender")


def parse_json(body: bytes) -> object:
    """The parsed body, or None when it is not JSON (bad UTF-8 or syntax, NaN, nesting
    over 1,024 deep, an integer beyond 64 bits). orjson parses a 12 KB payload in a third
    of the standard library's time; intake and the workers parse with it alike, so a body
    intake accepts is one the workers can read."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return None


class PayloadRejected(WardenError):
    """The payload's top-level shape is not what GitHub sends; it never reaches a handler."""


@dataclass(frozen=True)
class Shape:
    """One event's top-level properties: the JSON types each may have, and which are required."""

    types: Mapping[str, frozenset[str]]
    required: frozenset[str]


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    return "string"


def _a(kind: str) -> str:
    return ("an " if kind[0] in "aeiou" else "a ") + kind


def _types(schema: Mapping[str, Any], schemas: Mapping[str, Any]) -> frozenset[str]:
    """The JSON types a (possibly referenced, allOf'd or nullable) schema allows."""
    while "$ref" in schema:
        schema = schemas[str(schema["$ref"]).rsplit("/", 1)[-1]]
    declared = schema.get("type")
    found = {declared} if isinstance(declared, str) else set(declared or ())
    for part in schema.get("allOf", ()):
        found |= _types(part, schemas)
    for part in [*schema.get("anyOf", ()), *schema.get("oneOf", ())]:
        found |= _types(part, schemas) or {"any"}
    if schema.get("nullable"):
        found.add("null")
    return frozenset(found)


def derive(document: Mapping[str, Any]) -> dict[str, Shape]:
    """Per event (``issues``) and per event and action (``issues.opened``): the top-level
    object properties of the schemas, and the ones required by every action."""
    schemas = document["components"]["schemas"]
    per_event: dict[str, list[Shape]] = {}
    shapes: dict[str, Shape] = {}
    for key, ref in document["webhooks"].items():
        schema = ref
        while "$ref" in schema:
            schema = schemas[str(schema["$ref"]).rsplit("/", 1)[-1]]
        types = {name: _types(prop, schemas) for name, prop in schema["properties"].items()}
        kept = {n: t for n, t in types.items() if "object" in t or n in COMMON}
        action = types.get("action", frozenset())
        enum = schema["properties"].get("action", {}).get("enum", [])
        event = key.replace("-", "_")
        # A required property that may be null may as well be missing (GitHub omits some).
        present = {n for n, t in kept.items() if "null" not in t}
        shape = Shape(kept, frozenset(set(schema.get("required", ())) & present))
        if action and len(enum) == 1:
            event = event.removesuffix("_" + str(enum[0]).replace("-", "_"))
            shapes[f"{event}.{enum[0]}"] = shape
        per_event.setdefault(event, []).append(shape)
    for event, variants in per_event.items():
        names = {n for s in variants for n in s.types}
        merged = {n: frozenset().union(*(s.types.get(n, ()) for s in variants)) for n in names}
        required = frozenset.intersection(*(s.required for s in variants))
        shapes.setdefault(event, Shape(merged, required))
    return shapes


@cache
def known_shapes() -> dict[str, Shape]:
    """The shapes of ``sandbox/data/webhook-schemas.json`` (@octokit/openapi-webhooks), read
    once per process. The file is found without importing the sandbox (the simulated GitHub
    has no business in a production process)."""
    spec = util.find_spec("sandbox")
    if spec is None or not spec.submodule_search_locations:
        raise WardenError("the webhook schemas (sandbox/data) are not installed: reinstall Warden")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return derive(json.loads((folder / "data" / "webhook-schemas.json").read_text()))


def shape_errors(event: str, action: object, data: object) -> list[str]:
    """What is wrong with the payload's top level (``[]`` when nothing is)."""
    if not isinstance(data, dict):
        return [f"the payload is {_a(_json_type(data))}, not an object"]
    shapes = known_shapes()
    shape = shapes.get(f"{event}.{action}") or shapes.get(event)
    errors: list[str] = []
    if shape is not None:
        errors += [f"{name} is missing" for name in sorted(shape.required - data.keys())]
        for name, allowed in shape.types.items():
            found = _json_type(data[name]) if name in data else None
            if found is not None and "any" not in allowed and found not in _widen(allowed):
                errors.append(f"{name} is {_a(found)}, not {' or '.join(map(_a, sorted(allowed)))}")
    for name in COMMON:
        if shape is not None and name in shape.types:
            continue
        value = data.get(name)
        if value is not None and not isinstance(value, dict):
            errors.append(f"{name} is {_a(_json_type(value))}, not an object")
    return errors or _id_errors(data)


def fits_int64(value: object) -> TypeGuard[int]:
    """An integer a 64-bit database column holds (a JSON boolean is not one)."""
    return isinstance(value, int) and not isinstance(value, bool) and -INT64 <= value < INT64


def _widen(allowed: frozenset[str]) -> frozenset[str]:
    return allowed | {"integer"} if "number" in allowed else allowed


def _id_errors(data: Mapping[str, Any]) -> list[str]:
    """The ids Warden stores and keys deliveries by must fit a 64-bit integer column."""
    errors = []
    for name in ("installation", "repository", "team"):
        value = data.get(name)
        ident = value.get("id") if isinstance(value, dict) else None
        if ident is not None and not fits_int64(ident):
            errors.append(f"{name}.id is not a 64-bit integer")
    return errors


def check_shape(event: str, data: object) -> None:
    """Raise ``PayloadRejected`` (with every reason) unless the payload's top level is sound."""
    action = data.get("action") if isinstance(data, dict) else None
    errors = shape_errors(event, action, data)
    if errors:
        raise PayloadRejected("payload rejected: " + "; ".join(errors))
