"""What intake reads of a webhook body before storing it: that it is one JSON object, and
the few top-level fields a stored delivery is filed under (its action, its installation,
its ordering key). The whole document is validated (simdjson, a few microseconds for
GitHub's 12 KB payloads), but never built into Python objects: the workers parse it in
full, once, when they run it.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any, NamedTuple

import simdjson

from app.intake.shapes import fits_int64, parse_json

#: A parsed payload: the workers' dictionaries, or intake's lazy simdjson object.
_Object = Mapping[str, Any] | simdjson.Object
OBJECTS = (dict, simdjson.Object)
_parsers = threading.local()  # a parser holds one document at a time: one per thread


class Envelope(NamedTuple):
    action: str | None
    installation_id: int | None
    ordering_key: str | None


def read_envelope(event: str, body: bytes) -> Envelope | None:
    """The body's envelope, or None when the body is not one JSON object (bad UTF-8 or
    syntax, NaN, nesting over 1,024 deep, an array...). A body simdjson refuses that the
    workers' parser takes (an integer beyond 64 bits, which it reads as a float) is still
    filed, and fails at the worker with its reason."""
    parser = getattr(_parsers, "parser", None)
    if parser is None:
        parser = _parsers.parser = simdjson.Parser()
    try:
        data = parser.parse(body)
    except (ValueError, RuntimeError):
        parsed = parse_json(body)
        return _envelope(event, parsed) if isinstance(parsed, dict) else None
    try:
        return _envelope(event, data) if isinstance(data, simdjson.Object) else None
    finally:
        del data  # the parser may take the next document only once no proxy is left


def _envelope(event: str, data: _Object) -> Envelope:
    action = data.get("action")
    return Envelope(
        action if isinstance(action, str) else None,
        installation_of(data),
        ordering_key(event, data),
    )


def installation_of(data: _Object) -> int | None:
    """The payload's installation id, when it is one a database column can hold."""
    installation_id = _field(data, "installation", "id")
    return installation_id if fits_int64(installation_id) else None


def _field(data: _Object, name: str, key: str) -> str | int | float | None:
    """``data[name][key]`` when ``data[name]`` is an object and that a string or a number,
    else None (never raises)."""
    value = data.get(name)
    found = value.get(key) if isinstance(value, OBJECTS) else None
    return found if isinstance(found, str | int | float) else None


def ordering_key(event: str, data: _Object) -> str | None:
    """Deliveries with the same key are processed in the order they arrived."""
    repo = _field(data, "repository", "id")
    if event in ("issues", "issue_comment") and isinstance(data.get("issue"), OBJECTS):
        return f"issue:{repo}:{_field(data, 'issue', 'number')}"
    if event == "repository_advisory" and isinstance(data.get("repository_advisory"), OBJECTS):
        return f"advisory:{_field(data, 'repository_advisory', 'ghsa_id')}"
    if event in ("membership", "team") and isinstance(data.get("team"), OBJECTS):
        return f"team:{_field(data, 'team', 'id')}"
    if event == "pull_request" and isinstance(data.get("pull_request"), OBJECTS):
        return f"pull:{repo}:{_field(data, 'pull_request', 'number')}"
    if event == "push":
        ref = data.get("ref")
        return f"push:{repo}:{ref if isinstance(ref, str) else None}"
    if event in ("installation", "organization") and isinstance(data.get("installation"), OBJECTS):
        return f"installation:{_field(data, 'installation', 'id')}"
    return None
