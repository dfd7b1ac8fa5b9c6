"""JSON Schema helpers shared by the REST contract and the webhook payload checks."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

DATA_DIR = Path(__file__).parent / "data"
WEBHOOK_URN = "urn:github-webhooks"


def openapi_to_json_schema(node: Any, urn: str) -> Any:
    """OpenAPI 3.0 schemas as JSON Schema: ``nullable`` becomes a null type, refs absolute."""
    if isinstance(node, list):
        return [openapi_to_json_schema(item, urn) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: openapi_to_json_schema(value, urn) for key, value in node.items()}
    ref = out.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        out["$ref"] = urn + ref
    if out.pop("nullable", False) is True:
        out = _allow_null(out)
    if out.get("type") == ["null"] and "allOf" in out:
        # openapi-webhooks converts "nullable allOf" into ``allOf: [X], type: [null]``,
        # which nothing can satisfy; GitHub sends either null or an X.
        del out["type"]
        out = {"anyOf": [out, {"type": "null"}]}
    return out


def _allow_null(schema: dict[str, Any]) -> dict[str, Any]:
    if isinstance(schema.get("type"), str):
        schema["type"] = [schema["type"], "null"]
        if "enum" in schema:
            schema["enum"] = [*schema["enum"], None]
        return schema
    return {"anyOf": [schema, {"type": "null"}]}


Resolve = Callable[[Any], Any]
IsValid = Callable[[Any, Any], bool]


def unknown_fields(
    schema: Any, instance: Any, resolve: Resolve, is_valid: IsValid, where: str = ""
) -> Iterator[str]:
    """Keys of ``instance`` that ``schema`` does not declare (GitHub ignores them; we flag them)."""
    schema = resolve(schema)
    if not isinstance(schema, dict):
        return
    for combinator in ("oneOf", "anyOf"):
        branches = [b for b in schema.get(combinator, []) if is_valid(b, instance)]
        if branches:
            yield from unknown_fields(branches[0], instance, resolve, is_valid, where)
            return
    if isinstance(instance, dict):
        yield from _unknown_object_fields(schema, instance, resolve, is_valid, where)
    elif isinstance(instance, list) and "items" in schema:
        for index, item in enumerate(instance):
            yield from unknown_fields(schema["items"], item, resolve, is_valid, f"{where}[{index}]")


def _unknown_object_fields(
    schema: dict[str, Any],
    instance: dict[str, Any],
    resolve: Resolve,
    is_valid: IsValid,
    where: str,
) -> Iterator[str]:
    properties = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        properties.update(resolve(part).get("properties", {}))
    open_ended = schema.get("additionalProperties") not in (None, False)
    for key, value in instance.items():
        path = f"{where}.{key}" if where else key
        if key in properties:
            yield from unknown_fields(properties[key], value, resolve, is_valid, path)
        elif properties and not open_ended:
            yield path


class WebhookSchemas:
    """The payload schemas of ``@octokit/openapi-webhooks`` for the events the sandbox sends."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = openapi_to_json_schema(document, WEBHOOK_URN)
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(WEBHOOK_URN, resource)

    def errors(self, event: str, action: str | None, payload: Any) -> list[str]:
        """Schema violations of one payload (``[]`` when it validates)."""
        key = event.replace("_", "-") + (f"-{action.replace('_', '-')}" if action else "")
        schema = self.document["webhooks"].get(key)
        if schema is None:
            return [f"no webhook schema for {key}"]
        validator = Draft202012Validator(schema, registry=self.registry)
        return [
            f"{'/'.join(map(str, e.absolute_path)) or 'payload'}: {e.message[:200]}"
            for e in validator.iter_errors(payload)
        ]


@cache
def load_webhook_schemas() -> WebhookSchemas:
    """The committed webhook schemas, parsed once per process."""
    return WebhookSchemas(json.loads((DATA_DIR / "webhook-schemas.json").read_text()))
