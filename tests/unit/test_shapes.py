"""The payload shape check accepts every real example payload and names what is wrong."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.intake.shapes import shape_errors

EXAMPLES = sorted((Path(__file__).parents[2] / "sandbox/data/webhook-examples").glob("*.json"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_real_example_payload_has_the_right_shape(path: Path) -> None:
    payload = json.loads(path.read_text())
    event = path.stem.split(".")[0]
    assert shape_errors(event, payload.get("action"), payload) == []


def test_an_action_without_a_schema_is_checked_against_its_event() -> None:
    payload = json.loads((EXAMPLES[0].parent / "issues.opened.json").read_text())
    payload["issue"] = "x"
    assert shape_errors("issues", "assigned", payload) == ["issue is a string, not an object"]


def test_an_unknown_event_still_gets_its_common_properties_checked() -> None:
    assert shape_errors("star", "created", {"sender": [1], "repository": {"id": 1}}) == [
        "sender is an array, not an object"
    ]


def test_null_is_accepted_where_the_schema_allows_it() -> None:
    payload = json.loads((EXAMPLES[0].parent / "membership.added.json").read_text())
    payload["sender"] = None
    assert shape_errors("membership", "added", payload) == []
    payload["team"] = None
    assert shape_errors("membership", "added", payload) == ["team is a null, not an object"]
