"""Write `config/warden.schema.json` from the dataclasses and the comments of `defaults.yml`.

Run `python -m config.schema_export` after changing either; `--check` fails when the file is stale.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Mapping
from datetime import timedelta
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from config.issues import join_path
from config.loader import default_text
from config.model import Span, WardenConfig
from config.validate import options, setting_hints, text_rule, unwrap
from config.yamltree import read_yaml

SCHEMA_FILE = Path(__file__).with_name("warden.schema.json")
POSITIVE_DURATION = r"^0*[1-9][0-9]*[smhdw]$"
ANY_DURATION = r"^[0-9]+[smhdw]$"
FRACTION_TEXT = r"^\s*[0-9]+\s*/\s*0*[1-9][0-9]*\s*$|^[0-9]+(\.[0-9]+)?\s*%$|^[0-9]+(\.[0-9]+)?$"


def key_docs(text: str) -> dict[str, str]:
    """Key path -> its comment in YAML: the `#` lines above the key, then the trailing one."""
    source = text.splitlines()
    docs = {}
    for path, line in read_yaml(text).lines.items():
        above: list[str] = []
        index = line - 2
        while index >= 0 and source[index].lstrip().startswith("#"):
            above.insert(0, source[index].lstrip().lstrip("#").strip())
            index -= 1
        _, hash_, after = source[line - 1].partition(" #")
        docs[path] = " ".join([*above, after.strip()] if hash_ else above)
    return docs


def build_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of `.github/warden.yml`."""
    text = default_text()
    defaults = read_yaml(text).value
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Warden organisation config (.github/warden.yml)",
        **_section(WardenConfig, "", key_docs(text), defaults),
    }
    return schema


def _section(cls: type, path: str, docs: dict[str, str], defaults: object) -> dict[str, Any]:
    values = defaults if isinstance(defaults, dict) else {}
    properties, required = {}, []
    for name, hint in setting_hints(cls).items():
        key = join_path(path, name)
        properties[name] = _property(hint, key, docs, values.get(name))
        if values.get(name) is None and type(None) not in (options(unwrap(hint)[0]) or ()):
            required.append(name)
    schema: dict[str, Any] = {"type": "object", "additionalProperties": False}
    schema["properties"] = properties
    if required:
        schema["required"] = required
    return schema


def _property(hint: Any, path: str, docs: dict[str, str], default: object) -> dict[str, Any]:
    schema = type_schema(hint, path, docs, default)
    if docs.get(path):
        schema = {"description": docs[path], **schema}
    if default is not None and not isinstance(default, dict):
        schema["default"] = default
    return schema


def type_schema(
    hint: Any, path: str = "", docs: dict[str, str] | None = None, default: object = None
) -> dict[str, Any]:
    """The JSON Schema of one type hint of the config model."""
    base, extras = unwrap(hint)
    members = options(base)
    if members is not None:
        return {"anyOf": [type_schema(m, path, docs, default) for m in members]}
    if dataclasses.is_dataclass(base):
        return _section(base, path, docs or {}, default)  # type: ignore[arg-type]
    if get_origin(base) is Literal:
        return {"enum": list(get_args(base))}
    if get_origin(base) is tuple:
        return {"type": "array", "items": type_schema(get_args(base)[0])}
    if get_origin(base) is Mapping:
        key, value = get_args(base)
        return {
            "type": "object",
            "propertyNames": type_schema(key),
            "additionalProperties": type_schema(value),
        }
    return _scalar_schema(base, extras)


def _scalar_schema(base: Any, extras: tuple[object, ...]) -> dict[str, Any]:
    if base is type(None):
        return {"type": "null"}
    if base is bool:
        return {"type": "boolean"}
    if base is int:
        return {"type": "integer", "minimum": 0}
    if base is timedelta:
        zero = any(isinstance(e, Span) and not e.minimum for e in extras)
        return {"type": "string", "pattern": ANY_DURATION if zero else POSITIVE_DURATION}
    if base is Fraction:
        number = {"type": "number", "exclusiveMinimum": 0, "maximum": 1}
        return {"anyOf": [{"type": "string", "pattern": FRACTION_TEXT}, number]}
    rule = text_rule(extras)
    return {"type": "string"} if rule is None else {"type": "string", "pattern": rule.pattern}


def render_schema() -> str:
    """The schema file's exact text."""
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Write the schema file, or with `--check` report whether it is up to date."""
    args = sys.argv[1:] if argv is None else argv
    text = render_schema()
    if "--check" in args:
        stale = not SCHEMA_FILE.is_file() or SCHEMA_FILE.read_text(encoding="utf-8") != text
        if stale:
            print(
                f"{SCHEMA_FILE} is out of date: run python -m config.schema_export", file=sys.stderr
            )
        return int(stale)
    SCHEMA_FILE.write_text(text, encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
