"""The `votes` sweep costs nothing when nothing changed (conditional requests answered 304),
and counts each organisation's votes on its `schedule.votes` cadence."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from app.platform.clock import Clock
from sandbox import Sandbox
from tests.harness import Stack, running
from tests.nomination_world import (
    CONFIG,
    ORG,
    nominate,
    react,
    seed,
    settled,
    stored,
    sweep,
    vote_comment,
)

VOTES = 20


async def test_sweep_over_20_unchanged_open_votes_sends_only_304s_and_spends_no_rate_limit(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    nominees = [f"nominee{i:02}" for i in range(VOTES)]
    for login in nominees:
        sandbox.add_user(login)
    async with running(sandbox, clock, tmp_path) as stack:
        numbers = [await nominate(stack, body=f"Nominee: @{login}") for login in nominees]
        react(sandbox, numbers[0], alice="+1")
        await sweep(stack)  # the first count of each vote reads its reactions in full
        before = {n: vote_comment(sandbox, n).body for n in numbers}
        sandbox.reset_recording()
        remaining = sandbox.rate_limit_remaining(installation_id)

        await sweep(stack)

        statuses = Counter((r.method, r.status) for r in sandbox.requests)
        print(
            f"\nsweep over {VOTES} unchanged open votes: {dict(statuses)}, rate limit spent: "
            f"{remaining - sandbox.rate_limit_remaining(installation_id)}"
        )
        assert statuses == Counter({("GET", 304): VOTES})
        assert all(r.path.endswith("/reactions") for r in sandbox.requests)
        assert sandbox.rate_limit_remaining(installation_id) == remaining
        assert {n: vote_comment(sandbox, n).body for n in numbers} == before  # no edits
        assert ORG


async def test_sweep_edits_only_the_vote_that_changed(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    sandbox.add_user("ivan")
    async with running(sandbox, clock, tmp_path) as stack:
        first = await nominate(stack)
        second = await nominate(stack, body="Nominee: @ivan")
        await sweep(stack)
        react(sandbox, second, bob="+1")
        sandbox.reset_recording()
        await sweep(stack)
        edits = [r.path for r in sandbox.requests if r.method == "PATCH"]
        assert edits == [
            f"/repos/{ORG}/psrt-governance/issues/comments/{vote_comment(sandbox, second).id}"
        ]
        assert "| 👍 for | 1 | @bob |" in vote_comment(sandbox, second).body
        assert "| 👍 for | 0 |" in vote_comment(sandbox, first).body


def reaction_reads(sb: Sandbox) -> int:
    return sum(r.path.endswith("/reactions") for r in sb.requests)


async def scheduled(stack: Stack, clock: Clock, seconds: float) -> list[str]:
    """Move the clock on and let the scheduler run what is due, as it does every tick."""
    clock.advance(seconds)
    ran = await stack.scheduler.run_due()
    await settled(stack)
    return ran


async def test_votes_are_counted_every_ten_minutes_without_any_command(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        await stack.scheduler.run_due()  # the scheduler's first look: the clock starts
        assert "votes" in await scheduled(stack, clock, 60)  # the first count
        react(sandbox, number, alice="+1", bob="+1", carol="+1", dave="+1", erin="+1")
        for _ in range(9):  # the job looks every minute; the org's cadence is 10m
            assert "votes" in await scheduled(stack, clock, 60)
        assert (await stored(stack, installation_id, number)).state == "open"
        await scheduled(stack, clock, 60)
        assert (await stored(stack, installation_id, number)).state == "passed"


@pytest.mark.parametrize(
    ("cadence", "minutes_to_count"), [("1m", 1), ("1h", 60)], ids=["every-minute", "hourly"]
)
async def test_schedule_votes_sets_how_often_an_organisations_votes_are_counted(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, cadence: str, minutes_to_count: int
) -> None:
    installation_id = seed(sandbox, CONFIG + f"schedule: {{votes: {cadence}}}\n")
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        await stack.scheduler.run_due()
        await scheduled(stack, clock, 60)  # the first count
        react(sandbox, number, alice="+1", bob="+1", carol="+1", dave="+1", erin="+1")
        sandbox.reset_recording()
        for _ in range(minutes_to_count - 1):
            await scheduled(stack, clock, 60)
        assert reaction_reads(sandbox) == 0, "counted before its cadence came round"
        assert (await stored(stack, installation_id, number)).state == "open"
        await scheduled(stack, clock, 60)
        assert reaction_reads(sandbox) == 1
        assert (await stored(stack, installation_id, number)).state == "passed"


async def test_tick_votes_counts_every_organisation_now_whatever_its_cadence(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox, CONFIG + "schedule: {votes: 1d}\n")
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        await stack.scheduler.run_due()
        await scheduled(stack, clock, 60)
        react(sandbox, number, alice="+1", bob="+1", carol="+1", dave="+1", erin="+1")
        await scheduled(stack, clock, 3600)
        assert (await stored(stack, installation_id, number)).state == "open"
        await sweep(stack)  # `tick votes`
        assert (await stored(stack, installation_id, number)).state == "passed"
