"""The committed JSON Schema is generated from the model and agrees with the loader."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from config.loader import default_text
from config.schema_export import SCHEMA_FILE, main, render_schema

DATA = Path(__file__).parents[1] / "data"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_FILE.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def errors(validator: jsonschema.Draft202012Validator, data: Any) -> list[str]:
    return sorted(".".join(map(str, e.absolute_path)) for e in validator.iter_errors(data))


def test_committed_schema_is_up_to_date() -> None:
    assert SCHEMA_FILE.read_text() == render_schema(), "run: python -m config.schema_export"
    assert main(["--check"]) == 0


def test_schema_accepts_the_spec_example(validator: jsonschema.Draft202012Validator) -> None:
    data = yaml.safe_load((DATA / "warden-spec-example.yml").read_text())
    assert errors(validator, data) == []


def test_schema_requires_team_and_governance_repo(
    validator: jsonschema.Draft202012Validator,
) -> None:
    assert [e.message for e in validator.iter_errors({})] == [
        "'team' is a required property",
        "'governance_repo' is a required property",
    ]


def test_schema_rejects_what_the_loader_rejects(validator: jsonschema.Draft202012Validator) -> None:
    data = {
        "team": "Python Security",
        "governance_repo": "gov",
        "votes": {"nomination": {"threshold": "two thirds", "duration": "7", "treshold": "1/2"}},
        "advisories": {"cve": "nvd", "repos": "cpython"},
    }
    assert errors(validator, data) == [
        "advisories.cve",
        "advisories.repos",
        "team",
        "votes.nomination",
        "votes.nomination.duration",
        "votes.nomination.threshold",
    ]


def test_schema_carries_the_documentation_and_defaults_of_defaults_yml() -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    threshold = schema["properties"]["votes"]["properties"]["nomination"]["properties"]["threshold"]
    assert threshold["default"] == "2/3"
    assert threshold["description"].startswith("Share of the denominator that must vote for")
    assert "team:\n" in default_text()
