"""The label catalogue: SPEC 4's names, each created once with its colour and description."""

from __future__ import annotations

import re

from app.github import labels
from sandbox.testing import seed_psrt
from tests.harness import Stack

SPEC_LABELS = [
    "warden/nomination",
    "warden/vote-open",
    "warden/passed",
    "warden/failed",
    "warden/cancelled",
    "warden/vetoed",
    "warden/removal",
    "warden/advisory",
    "warden/onboarding",
    "warden/inactivity",
    "warden/config-error",
    "warden/roster-alert",
    "warden/setup",
]


def test_the_catalogue_holds_exactly_the_labels_of_the_interface_contract() -> None:
    assert list(labels.CATALOGUE) == SPEC_LABELS
    for color, description in labels.CATALOGUE.values():
        assert re.fullmatch(r"[0-9a-f]{6}", color) and description


async def test_missing_labels_are_created_with_colour_and_description_and_only_once(
    stack: Stack,
) -> None:
    installation = seed_psrt(stack.sb)
    gh = stack.ctx.github.installation_client(installation)  # type: ignore[union-attr]
    wanted = [labels.NOMINATION, labels.VOTE_OPEN, labels.PASSED]
    first = await labels.ensure_labels(gh, "python", "psrt-governance", wanted)
    assert first == wanted
    repo = stack.sb.repo("python", "psrt-governance")
    created = {label.name: (label.color, label.description) for label in repo.labels.values()}
    assert created == {name: labels.CATALOGUE[name] for name in wanted}
    stack.sb.reset_recording()
    assert await labels.ensure_labels(gh, "python", "psrt-governance", wanted) == []
    assert stack.sb.count("POST", "/repos/python/psrt-governance/labels") == 0


async def test_a_label_that_exists_already_is_left_as_it_is(stack: Stack) -> None:
    installation = seed_psrt(stack.sb)
    gh = stack.ctx.github.installation_client(installation)  # type: ignore[union-attr]
    await labels.ensure_label(gh, "python", "psrt-governance", labels.ROSTER_ALERT)
    await labels.ensure_label(gh, "python", "psrt-governance", labels.ROSTER_ALERT)  # 422
    repo = stack.sb.repo("python", "psrt-governance")
    assert [label.name for label in repo.labels.values()] == [labels.ROSTER_ALERT]
