"""Check each request against the pinned GitHub REST description (``data/rest-openapi.json``)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from sandbox.schema_util import openapi_to_json_schema, unknown_fields

DATA_DIR = Path(__file__).parent / "data"
REST_URN = "urn:github-rest"
METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Operation:
    """One REST operation of the description, with a regex that matches its concrete paths."""

    method: str
    template: str
    spec: dict[str, Any]
    pattern: re.Pattern[str]
    literals: tuple[bool, ...]
    names: tuple[str, ...]

    @property
    def key(self) -> str:
        """``METHOD /path/{template}``, the name the routes register under."""
        return f"{self.method} {self.template}"


@dataclass
class Verdict:
    """What a request check found: problems to record, and the status GitHub would answer."""

    problems: list[str] = field(default_factory=list)
    status: int | None = None

    def fail(self, status: int, problem: str) -> None:
        """Record a problem GitHub refuses with ``status`` (the first refusal wins)."""
        self.problems.append(problem)
        self.status = self.status or status

    def note(self, problem: str) -> None:
        """Record a problem GitHub would silently ignore."""
        self.problems.append(problem)


def _path_regex(template: str, multi: set[str]) -> tuple[re.Pattern[str], tuple[bool, ...]]:
    parts: list[str] = []
    literals: list[bool] = []
    for segment in template.strip("/").split("/"):
        name = segment[1:-1] if segment.startswith("{") else None
        literals.append(name is None)
        if name is None:
            parts.append(re.escape(segment))
        else:
            parts.append("(.+)" if name in multi else "([^/]+)")
    return re.compile("^/" + "/".join(parts) + "$"), tuple(literals)


def _param_names(template: str) -> tuple[str, ...]:
    return tuple(re.findall(r"\{([^}]+)\}", template))


class Contract:
    """The REST description: matches requests to operations and validates them."""

    def __init__(self, document: dict[str, Any], github_operations: list[str]) -> None:
        self.document = openapi_to_json_schema(document, REST_URN)
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(REST_URN, resource)
        self.operations = [
            self._operation(m, p)
            for p, item in document["paths"].items()
            for m in item
            if m in METHODS
        ]
        self._github = [self._github_pattern(op) for op in github_operations]

    def _operation(self, method: str, template: str) -> Operation:
        spec = self.document["paths"][template][method]
        params = [self.resolve(p) for p in spec.get("parameters", [])]
        multi = {p["name"] for p in params if p.get("x-multi-segment")}
        pattern, literals = _path_regex(template, multi)
        return Operation(method.upper(), template, spec, pattern, literals, _param_names(template))

    @staticmethod
    def _github_pattern(operation: str) -> tuple[str, re.Pattern[str]]:
        method, template = operation.split(" ", 1)
        return method, _path_regex(template, {"path", "ref"})[0]

    def resolve(self, node: Any) -> Any:
        """Follow a ``$ref`` (if any) to the value it names."""
        while isinstance(node, dict) and "$ref" in node:
            node = self.registry.resolver().lookup(node["$ref"]).contents
        return node

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The most specific operation serving ``method path``, and its path parameters."""
        found = [
            (op, m)
            for op in self.operations
            if op.method == method
            if (m := op.pattern.match(path))
        ]
        if not found:
            return None
        op, m = max(found, key=lambda pair: pair[0].literals)
        return op, dict(zip(op.names, m.groups(), strict=True))

    def github_has(self, method: str, path: str) -> bool:
        """Whether GitHub itself serves ``method path`` (though the sandbox may not)."""
        return any(m == method and p.match(path) for m, p in self._github)

    def check(
        self, op: Operation, params: Mapping[str, str], query: Mapping[str, str], body: Any
    ) -> Verdict:
        """Validate path parameters, query and JSON body of one request."""
        verdict = Verdict()
        declared = {p["name"]: p for p in map(self.resolve, op.spec.get("parameters", []))}
        for name, value in params.items():
            self._check_param(verdict, declared[name], value, 404)
        for name, value in query.items():
            if name not in declared or declared[name]["in"] != "query":
                verdict.note(f"unknown query parameter {name!r} for {op.key}")
            else:
                self._check_param(verdict, declared[name], value, 422)
        self._check_body(verdict, op, body)
        return verdict

    def _check_param(self, verdict: Verdict, param: dict[str, Any], raw: str, status: int) -> None:
        schema = param.get("schema", {})
        value: Any = raw
        if schema.get("type") == "integer" or "integer" in schema.get("type", []):
            if not re.fullmatch(r"-?\d+", raw):
                verdict.fail(status, f"parameter {param['name']!r}: {raw!r} is not an integer")
                return
            value = int(raw)
        elif schema.get("type") == "boolean":
            value = {"true": True, "false": False}.get(raw, raw)
        for error in Draft202012Validator(schema, registry=self.registry).iter_errors(value):
            verdict.fail(status, f"parameter {param['name']!r}: {error.message}")

    def _check_body(self, verdict: Verdict, op: Operation, body: Any) -> None:
        request_body = self.resolve(op.spec.get("requestBody"))
        if request_body is None:
            if body not in (None, {}, ""):
                verdict.note(f"{op.key} takes no request body, got {_short(body)}")
            return
        if body is None:
            if request_body.get("required"):
                verdict.fail(422, f"{op.key} requires a JSON body")
            return
        schema = request_body["content"]["application/json"]["schema"]
        validator = Draft202012Validator(schema, registry=self.registry)
        for error in validator.iter_errors(body):
            where = "/".join(map(str, error.absolute_path)) or "body"
            verdict.fail(422, f"{op.key}: {where}: {error.message}")
        if verdict.status is None:
            for extra in unknown_fields(schema, body, self.resolve, self.is_valid):
                verdict.note(f"{op.key}: unknown body field {extra!r}")

    def is_valid(self, schema: Any, instance: Any) -> bool:
        """Whether ``instance`` validates against ``schema`` (refs resolved in the description)."""
        return Draft202012Validator(schema, registry=self.registry).is_valid(instance)


def _short(value: Any) -> str:
    text = json.dumps(value)
    return text if len(text) < 80 else text[:77] + "..."


@cache
def load_contract() -> Contract:
    """The committed REST description, parsed once per process."""
    document = json.loads((DATA_DIR / "rest-openapi.json").read_text())
    operations = json.loads((DATA_DIR / "rest-operations.json").read_text())
    return Contract(document, operations)
