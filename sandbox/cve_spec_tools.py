"""Regenerate ``sandbox/data/cve-services-openapi.json`` from a CVEProject/cve-services checkout.

    python -m sandbox.cve_spec_tools PATH/TO/cve-services

The description there (``api-docs/openapi.json``) points at response schemas in ``schemas/``;
the trimmed copy keeps the operations Warden uses, with parameters and schemas inlined, so the
sandbox checks requests and answers against it without the checkout.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

DATA_FILE = Path(__file__).parent / "data" / "cve-services-openapi.json"
# Every operation the simulated CVE Services serves: "METHOD path template".
OPERATIONS = ("GET /cve-id", "POST /cve-id", "GET /cve-id/{id}")


def _inline(node: Any, document: dict[str, Any], root: Path) -> Any:
    """``node`` with local ``#/components/...`` and relative ``../schemas/...`` refs inlined."""
    if isinstance(node, list):
        return [_inline(item, document, root) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = document
        for part in ref[2:].split("/"):
            target = target[part]
        return _inline(target, document, root)
    if isinstance(ref, str):
        schema = json.loads((root / "api-docs" / ref).resolve().read_text())
        schema.pop("$schema", None)
        return _inline(schema, document, root)
    return {key: _inline(value, document, root) for key, value in node.items()}


def trimmed(checkout: Path) -> dict[str, Any]:
    """The trimmed description built from ``checkout``."""
    document = json.loads((checkout / "api-docs" / "openapi.json").read_text())
    paths: dict[str, dict[str, Any]] = {}
    for operation in OPERATIONS:
        method, template = operation.split(" ", 1)
        spec = document["paths"][template][method.lower()]
        kept = {k: spec[k] for k in ("operationId", "summary", "parameters", "responses")}
        paths.setdefault(template, {})[method.lower()] = _inline(kept, document, checkout)
    return {
        "openapi": document["openapi"],
        "info": {
            "title": document["info"]["title"],
            "version": document["info"]["version"],
            "x-trimmed-from": "CVEProject/cve-services api-docs/openapi.json",
        },
        "paths": paths,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("checkout", type=Path, help="a CVEProject/cve-services checkout")
    args = parser.parse_args()
    text = json.dumps(trimmed(args.checkout), indent=1, sort_keys=True) + "\n"
    DATA_FILE.write_text(text)
    print(f"wrote {DATA_FILE} ({len(text)} characters)")


if __name__ == "__main__":
    main()
