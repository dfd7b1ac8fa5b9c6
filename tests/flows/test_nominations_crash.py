"""Votes survive crashes and races: a run cut short is finished by the next one without a
second comment, onboarding issue or audit entry; two runs closing one vote act once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from app.features.votes import records, refresh
from app.features.votes import templates as t
from app.features.votes.records import Vote
from app.platform.clock import Clock
from app.store import Store
from sandbox import Sandbox
from tests.harness import Stack, running
from tests.nomination_world import (
    GOV,
    ORG,
    VETO_CONFIG,
    command,
    comments,
    issue,
    nominate,
    react,
    replies_to,
    seed,
    settled,
    stored,
    sweep,
    vote_comment,
)

Step = Callable[[Vote, Vote], bool]
Columns = tuple[str, ...]
#: Where a run is cut short: the database write that records a step GitHub already did.
CRASH_POINTS: dict[str, Step] = {
    "result shown, not yet recorded": lambda b, a: b.pending is not None and a.pending is None,
    "nominee added and onboarded, not yet recorded": lambda b, a: a.onboarding_issue is not None,
}


def crash_once(monkeypatch: pytest.MonkeyPatch, when: Step) -> list[Vote]:
    """Make the first vote write for which ``when(before, after)`` holds fail, as a crash
    (or a lost database connection) right after the GitHub calls before it would."""
    real, crashed = records.update, []

    async def update(store: Store, before: Vote, after: Vote, *, also: Columns = ()) -> bool:
        if not crashed and when(before, after):
            crashed.append(after)
            raise ConnectionError("the database went away")
        return await real(store, before, after, also=also)

    monkeypatch.setattr(records, "update", update)
    return crashed


async def audit_kinds(stack: Stack, number: int) -> list[str]:
    return [e.kind for e in await stack.ctx.store.audit_entries(f"{ORG}/{GOV}#{number}")]


def onboarding_issues(sb: Sandbox) -> list[int]:
    return [i.number for i in sb.repo(ORG, GOV).issues.values() if t.ONBOARDING in i.labels]


def bot_comments(sb: Sandbox, number: int) -> list[str]:
    return [c.body for c in comments(sb, number, sb.bot_login)]


@pytest.mark.parametrize("point", CRASH_POINTS)
async def test_admission_cut_short_is_finished_by_the_next_sweep_without_doing_anything_twice(
    point: str, sandbox: Sandbox, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        react(sandbox, number, alice="+1", bob="+1", carol="+1", dave="+1", erin="+1")
        crashed = crash_once(monkeypatch, CRASH_POINTS[point])
        await sweep(stack, failing=True)  # decides, acts on GitHub, then "crashes" unrecorded
        assert crashed
        await sweep(stack)  # the next sweep finishes the job
        await sweep(stack)  # and one more changes nothing
        assert len(onboarding_issues(sandbox)) == 1
        assert sandbox.count("PUT", "/orgs/python/teams/psrt/memberships/grace") == 1
        [vote_body] = bot_comments(sandbox, number)  # the result, in the one vote comment
        assert "## Vote passed: @grace is admitted" in vote_body
        assert await audit_kinds(stack, number) == [
            "vote.opened",
            "vote.closed",
            "nomination.admitted",
        ]
        vote = await stored(stack, installation_id, number)
        assert (vote.state, vote.pending, vote.onboarding_issue) == (
            "passed",
            None,
            onboarding_issues(sandbox)[0],
        )
        assert issue(sandbox, number).state == "closed"
        assert set(issue(sandbox, number).labels) == {t.NOMINATION, t.PASSED}


async def test_failed_vote_whose_label_call_failed_is_finished_once_by_the_next_sweep(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        react(sandbox, number, alice="-1", bob="-1", carol="-1")
        sandbox.faults.add("POST", rf"/issues/{number}/labels$", status=502)
        await sweep(stack, failing=True)  # result comment edited, then GitHub fails the label call
        vote = await stored(stack, installation_id, number)
        assert (vote.state, vote.pending is not None) == ("failed", True)
        assert issue(sandbox, number).state == "open"
        await sweep(stack)
        await sweep(stack)
        [vote_body] = bot_comments(sandbox, number)
        assert "## Vote failed: @grace is not admitted" in vote_body
        assert set(issue(sandbox, number).labels) == {t.NOMINATION, t.FAILED}
        assert issue(sandbox, number).state == "closed"
        assert await audit_kinds(stack, number) == ["vote.opened", "vote.closed"]
        assert (await stored(stack, installation_id, number)).pending is None


async def test_opening_cut_short_after_the_vote_comment_is_posted_keeps_one_vote_comment(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        crashed = crash_once(monkeypatch, lambda b, a: b.comment_id is None and a.comment_id)
        number = await sandbox.open_issue(
            ORG, GOV, "alice", "Nomination", "Nominee: @grace", labels=[t.NOMINATION]
        )
        await stack.idle()  # the delivery fails: the vote is stored, its comment id is not
        assert crashed and (await stored(stack, installation_id, number)).comment_id is None
        assert await stack.scheduler.run_job("votes")  # the sweep finishes the opening
        await stack.idle()
        [opened] = bot_comments(sandbox, number)
        assert opened.startswith(t.vote_marker(number))
        assert (await stored(stack, installation_id, number)).comment_id == (
            vote_comment(sandbox, number).id
        )
        assert set(issue(sandbox, number).labels) == {t.NOMINATION, t.VOTE_OPEN}
        assert await audit_kinds(stack, number) == ["vote.opened"]


async def test_sweep_and_vote_status_racing_on_a_decided_vote_close_it_once(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, database_url: str
) -> None:
    """On SQLite and on PostgreSQL."""
    seed(sandbox)
    async with running(sandbox, clock, tmp_path, database_url=database_url) as stack:
        number = await nominate(stack)
        react(sandbox, number, alice="+1", bob="+1", carol="+1", dave="+1", erin="+1")
        await asyncio.gather(
            stack.sb.comment(ORG, GOV, number, "frank", "/vote status"),
            stack.scheduler.run_job("votes"),
        )
        await settled(stack)
        await sweep(stack)
        assert await audit_kinds(stack, number) == [
            "vote.opened",
            "vote.closed",
            "nomination.admitted",
        ]
        assert sandbox.count("PUT", "/orgs/python/teams/psrt/memberships/grace") == 1
        assert len(onboarding_issues(sandbox)) == 1
        results = [b for b in bot_comments(sandbox, number) if b.startswith(t.vote_marker(number))]
        assert len(results) == 1 and "## Vote passed: @grace is admitted" in results[0]
        others = [b for b in bot_comments(sandbox, number) if b not in results]
        assert all(b.startswith("@frank: this vote is closed") for b in others)  # if it lost


async def test_a_count_that_loses_the_race_to_a_cancel_puts_the_result_back(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, database_url: str
) -> None:
    """On SQLite and on PostgreSQL."""
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path, database_url=database_url) as stack:
        number = await nominate(stack)
        react(sandbox, number, bob="+1")
        stale = await stored(stack, installation_id, number)  # a sweep read the vote here...
        await command(stack, number, "alice", "/vote cancel")  # ...the vote was cancelled...
        gh = stack.ctx.github.installation_client(installation_id)  # type: ignore[union-attr]
        await refresh(stack.ctx, gh, stale, force=True)  # ...then the sweep edited the comment
        vote = await stored(stack, installation_id, number)
        assert vote.state == "cancelled"  # not resurrected by the stale copy
        body = vote_comment(sandbox, number).body
        assert "## Vote cancelled" in body and "Cancelled by @alice." in body


async def test_a_veto_that_loses_the_race_to_the_end_of_the_window_says_so(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installation_id = seed(sandbox, VETO_CONFIG)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        react(sandbox, number, alice="+1", bob="+1", carol="+1", dave="+1", erin="+1")
        await sweep(stack)
        real = records.update

        async def sweep_first(
            store: Store, before: Vote, after: Vote, *, also: Columns = ()
        ) -> bool:
            if after.state == "vetoed":  # the sweep ends the window just before the veto lands
                await real(store, before, before.but(state="passed"))
            return await real(store, before, after, also=also)

        monkeypatch.setattr(records, "update", sweep_first)
        await command(stack, number, "guido", "/veto")
        assert replies_to(sandbox, number, "guido") == [
            "@guido: the vote changed meanwhile (it is now passed); nothing was done."
        ]
        assert (await stored(stack, installation_id, number)).state == "passed"
        assert t.VETOED not in issue(sandbox, number).labels


async def test_onboarding_issue_refused_by_github_after_the_team_add_is_opened_once_later(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        react(sandbox, number, alice="+1", bob="+1", carol="+1", dave="+1", erin="+1")
        sandbox.faults.add("POST", rf"/repos/{ORG}/{GOV}/issues$", status=502)
        await sweep(stack, failing=True)
        assert "grace" in sandbox.world.team(ORG, "psrt").invitations  # added...
        assert onboarding_issues(sandbox) == []  # ...but not onboarded
        await sweep(stack)
        await sweep(stack)
        assert sandbox.count("PUT", "/orgs/python/teams/psrt/memberships/grace") == 1
        assert len(onboarding_issues(sandbox)) == 1
        assert (await stored(stack, installation_id, number)).onboarding_issue is not None
        assert (await audit_kinds(stack, number)).count("nomination.admitted") == 1
