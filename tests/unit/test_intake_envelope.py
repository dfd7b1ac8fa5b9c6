"""What intake files a delivery under, read without building the body: the same as a full
parse gives, on GitHub's real payloads and on generated ones; a body that is not one JSON
object has no envelope."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.intake.envelope import Envelope, installation_of, ordering_key, read_envelope

EXAMPLES = sorted((Path(__file__).parents[2] / "sandbox" / "data" / "webhook-examples").glob("*"))


def parsed_envelope(event: str, body: bytes) -> Envelope:
    """The envelope as the workers' full parse sees the same body."""
    data: dict[str, Any] = orjson.loads(body)
    action = data.get("action")
    return Envelope(
        action if isinstance(action, str) else None,
        installation_of(data),
        ordering_key(event, data),
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_real_example_is_filed_as_its_full_parse_files_it(path: Path) -> None:
    event = path.name.split(".")[0]
    payload = json.loads(path.read_text())
    payload["installation"] = {"id": 4242}
    body = json.dumps(payload).encode()
    envelope = read_envelope(event, body)
    assert envelope == parsed_envelope(event, body)
    assert envelope is not None and envelope.installation_id == 4242


def test_an_issue_event_is_filed_under_its_issue() -> None:
    body = json.dumps(
        {
            "action": "opened",
            "issue": {"number": 12},
            "repository": {"id": 99},
            "installation": {"id": 7},
        }
    ).encode()
    assert read_envelope("issues", body) == Envelope("opened", 7, "issue:99:12")


@pytest.mark.parametrize(
    "body",
    [
        b"[1, 2]",
        b'"x"',
        b"null",
        b"{",
        b'{"a": 1} trailing',
        b'{"a": NaN}',
        b'{"a": "\xff"}',
        b"[" * 5000 + b"]" * 5000,
        b'{"n": ' + b"7" * 5000 + b"}",
    ],
)
def test_a_body_that_is_not_one_json_object_has_no_envelope(body: bytes) -> None:
    assert read_envelope("issues", body) is None


def test_an_installation_id_beyond_64_bits_is_filed_without_an_installation() -> None:
    # simdjson refuses the number; the workers' parser reads it as a float, so the
    # delivery is still stored, and fails at the worker with its reason.
    body = b'{"action": "opened", "installation": {"id": 18446744073709551616}}'
    assert read_envelope("issues", body) == Envelope("opened", None, None)


def test_fields_of_the_wrong_type_are_not_filed() -> None:
    body = json.dumps(
        {"action": 5, "installation": {"id": "7"}, "issue": {"number": {"x": 1}}}
    ).encode()
    assert read_envelope("issues", body) == Envelope(None, None, "issue:None:None")


scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), st.text(max_size=8))
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=8,
)
top_level = st.fixed_dictionaries(
    {},
    optional={
        "action": values,
        "installation": values,
        "repository": values,
        "issue": values,
        "pull_request": values,
        "team": values,
        "repository_advisory": values,
        "ref": values,
    },
)


@settings(max_examples=300, deadline=None)
@given(
    event=st.sampled_from(["issues", "pull_request", "team", "push", "installation", "ping"]),
    payload=top_level,
)
def test_any_object_is_filed_as_its_full_parse_files_it(
    event: str, payload: dict[str, Any]
) -> None:
    body = json.dumps(payload).encode()
    assert read_envelope(event, body) == parsed_envelope(event, body)
