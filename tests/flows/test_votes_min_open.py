"""Votes stay open for their whole duration (PEP 811: "open for one week"), or until
``min_open``: a decided vote is shown as decided but nothing is applied before then."""

from __future__ import annotations

from pathlib import Path

from app.features.votes import templates as t
from app.platform.clock import Clock
from sandbox import Sandbox
from tests.harness import running
from tests.nomination_world import (
    DAY,
    PLAIN_CONFIG,
    issue,
    nominate,
    react,
    seed,
    stored,
    sweep,
    vote_comment,
)

MIN_OPEN_2D = PLAIN_CONFIG + "votes:\n  nomination:\n    min_open: 2d\n"
ALL_FOR = {"alice": "+1", "bob": "+1", "carol": "+1", "dave": "+1", "erin": "+1", "frank": "+1"}


async def test_decided_nomination_stays_open_until_min_open_then_closes_and_admits(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox, MIN_OPEN_2D)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        react(sandbox, number, **ALL_FOR)
        clock.advance(1 * DAY)
        await sweep(stack)
        body = vote_comment(sandbox, number).body
        assert "**Decided:** the remaining votes can no longer change the result (passed)" in body
        assert (await stored(stack, installation_id, number)).state == "open"
        assert t.VOTE_OPEN in issue(sandbox, number).labels
        assert (await stored(stack, installation_id, number)).onboarding_issue is None

        clock.advance(1 * DAY)
        await sweep(stack)
        vote = await stored(stack, installation_id, number)
        assert (vote.state, vote.onboarding_issue is not None) == ("passed", True)
        assert "Vote passed: @grace is admitted" in vote_comment(sandbox, number).body


async def test_by_default_a_decided_nomination_stays_open_for_the_whole_week(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox, PLAIN_CONFIG)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        assert "It stays open until then" in vote_comment(sandbox, number).body
        react(sandbox, number, **ALL_FOR)
        clock.advance(7 * DAY - 60)
        await sweep(stack)
        assert (await stored(stack, installation_id, number)).state == "open"
        clock.advance(60)
        await sweep(stack)
        assert (await stored(stack, installation_id, number)).state == "passed"
