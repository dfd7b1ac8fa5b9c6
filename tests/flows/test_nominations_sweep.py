"""The `votes` sweep costs nothing when nothing changed: conditional requests answered 304."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from app.platform.clock import Clock
from sandbox import Sandbox
from tests.harness import running
from tests.nomination_world import (
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


async def test_votes_are_counted_every_ten_minutes_without_any_command(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        await stack.scheduler.run_due()  # the scheduler's first look: the clock starts
        react(sandbox, number, alice="+1", bob="+1", carol="+1", dave="+1", erin="+1")
        clock.advance(599)
        assert "votes" not in await stack.scheduler.run_due()
        assert (await stored(stack, installation_id, number)).state == "open"
        clock.advance(1)
        assert "votes" in await stack.scheduler.run_due()
        await settled(stack)
        assert (await stored(stack, installation_id, number)).state == "passed"
