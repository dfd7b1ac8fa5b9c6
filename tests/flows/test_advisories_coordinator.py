"""Coordinators end to end: automatic assignment, load balance, replacement, and the
`/coordinate`, `/credit` and `/expert` commands in the tracking issue."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app.features.advisories import records
from app.platform.clock import Clock
from sandbox import Sandbox
from tests.advisory_world import (
    CPY,
    DAY,
    GOV,
    ORG,
    advisory,
    comments,
    report,
    seed,
    settled,
    sweep,
    tracking_issue,
    writes,
)
from tests.harness import running


def coordinators(sb: Sandbox, ghsa: str) -> list[str]:
    return [who for who, kind in advisory(sb, ghsa).credits if kind == "coordinator"]


async def test_reports_without_coordinator_after_three_days_are_spread_over_eligible_members(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, database_url: str
) -> None:
    installation_id = seed(sandbox)  # psrt: alice, bob, carol, dave (release manager)
    async with running(sandbox, clock, tmp_path, database_url=database_url) as stack:
        reports = []
        for n in range(3):
            reports.append(await report(stack, summary=f"bug {n}"))
            clock.advance(3600)
        clock.advance(3 * DAY - 3 * 3600 - 60)
        await sweep(stack, installation_id)
        assert all(coordinators(sandbox, g) == [] for g in reports)
        for _ in reports:  # each report's three days end an hour after the previous one's
            clock.advance(3600)
            await sweep(stack, installation_id)
        chosen = [coordinators(sandbox, g) for g in reports]
        assert chosen == [["alice"], ["bob"], ["carol"]]  # never dave, the release manager
        for ghsa, (login,) in zip(reports, chosen, strict=True):
            assert login in advisory(sandbox, ghsa).collaborating_users
            said = comments(sandbox, tracking_issue(sandbox, ghsa))
            assert len(said) == 1 and said[0].splitlines()[1].startswith(f"@{login}, you are")
            assert f"`@{login}`" in (tracking_issue(sandbox, ghsa).body or "")
        # Everyone has one: the one assigned least recently gets the next.
        fourth = await report(stack, summary="bug 3")
        clock.advance(3 * DAY)
        await sweep(stack, installation_id)
        assert coordinators(sandbox, fourth) == ["alice"]
        # Carol's report is closed: she has the fewest open coordinations now.
        sandbox.edit_advisory(ORG, CPY, reports[2], state="closed")
        fifth = await report(stack, summary="bug 4")
        clock.advance(3 * DAY)
        await sweep(stack, installation_id)
        assert coordinators(sandbox, fifth) == ["carol"]


async def test_coordinator_credited_on_github_is_kept_and_none_is_assigned(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        credits = [
            {"login": "mallory", "type": "reporter"},
            {"login": "dave", "type": "coordinator"},
        ]
        sandbox.edit_advisory(ORG, CPY, ghsa, credits=credits)
        clock.advance(4 * DAY)
        await sweep(stack, installation_id)
        assert coordinators(sandbox, ghsa) == ["dave"]
        assert "dave" in advisory(sandbox, ghsa).collaborating_users
        assert "`@dave`" in (tracking_issue(sandbox, ghsa).body or "")
        assert comments(sandbox, tracking_issue(sandbox, ghsa)) == []


async def test_coordinator_who_leaves_the_team_is_replaced(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        issue = tracking_issue(sandbox, ghsa)
        await sandbox.comment(ORG, GOV, issue.number, "carol", "/coordinate")
        await settled(stack)
        assert coordinators(sandbox, ghsa) == ["carol"]
        await sandbox.remove_team_member(ORG, "psrt", "carol")
        await sweep(stack, installation_id)
        (new,) = [c for c in coordinators(sandbox, ghsa) if c != "carol"]
        assert new in ("alice", "bob")
        assert "is no longer in the team" in comments(sandbox, issue)[-1]
        assert f"`@{new}`" in (issue.body or "")


async def test_coordinate_by_a_member_credits_them_and_answers(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        issue = tracking_issue(sandbox, ghsa)
        await sandbox.comment(ORG, GOV, issue.number, "bob", "I'll take it\n/coordinate")
        await settled(stack)
        adv = advisory(sandbox, ghsa)
        assert ("bob", "coordinator") in adv.credits and "bob" in adv.collaborating_users
        assert comments(sandbox, issue)[-1] == f"@bob is now the coordinator of {ghsa}."
        assert "`@bob`" in (issue.body or "")
        clock.advance(5 * DAY)
        sandbox.reset_recording()
        await sweep(stack, installation_id)
        assert coordinators(sandbox, ghsa) == ["bob"]
        assert not [w for w in writes(sandbox) if "security-advisories" in w]


async def test_commands_from_non_members_or_outside_tracking_issues_are_refused(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        issue = tracking_issue(sandbox, ghsa)
        before = advisory(sandbox, ghsa).credits
        await sandbox.comment(ORG, GOV, issue.number, "erin", "/coordinate")
        await sandbox.comment(ORG, GOV, issue.number, "erin", "/credit @erin finder")
        await settled(stack)
        said = comments(sandbox, issue)
        assert (
            said[0] == "Only members of `@python/psrt` can use `/coordinate`; nothing was changed."
        )
        assert said[1] == "Only members of `@python/psrt` can use `/credit`; nothing was changed."
        other = await sandbox.open_issue(ORG, GOV, "bob", "Not a tracking issue")
        await sandbox.comment(ORG, GOV, other, "bob", "/coordinate")
        await settled(stack)
        reply = comments(sandbox, sandbox.world.issue(sandbox.repo(ORG, GOV), other))[-1]
        assert (
            reply
            == "`/coordinate` works only in an advisory's tracking issue; nothing was changed."
        )
        assert advisory(sandbox, ghsa).credits == before


async def test_credit_adds_a_credit_and_never_retypes_one(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        number = tracking_issue(sandbox, ghsa).number
        for line in (
            "/credit @erin remediation_developer",
            "/credit @mallory finder",
            "/credit @erin",
            "/credit @nobody-here analyst",
            "/credit @warden[bot] tool",
        ):
            await sandbox.comment(ORG, GOV, number, "bob", line)
        await settled(stack)
        assert advisory(sandbox, ghsa).credits == [
            ("mallory", "reporter"),
            ("erin", "remediation_developer"),
        ]
        said = comments(sandbox, tracking_issue(sandbox, ghsa))
        assert said[0] == f"Credited @erin as `remediation_developer` on {ghsa}."
        assert said[1].startswith("@mallory is already credited as `reporter`")
        assert said[2].startswith("Write `/credit @user TYPE`")
        assert said[3].startswith("`@nobody-here` is not a GitHub user")
        assert said[4] == "Bots are never credited; nothing was changed."


async def test_expert_adds_a_user_or_a_team_as_collaborator(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        number = tracking_issue(sandbox, ghsa).number
        for line in ("/expert @erin", "/expert @python/release-managers", "/expert @erin"):
            await sandbox.comment(ORG, GOV, number, "alice", line)
        await settled(stack)
        adv = advisory(sandbox, ghsa)
        assert adv.collaborating_users == ["erin"]
        assert adv.collaborating_teams == ["psrt", "release-managers"]
        said = comments(sandbox, tracking_issue(sandbox, ghsa))
        assert said == [
            f"Added `@erin` to {ghsa} as a collaborator.",
            f"Added `@python/release-managers` to {ghsa} as a collaborator.",
            f"`@erin` is already a collaborator on {ghsa}.",
        ]
        assert "`@erin`, `@python/release-managers`" in (tracking_issue(sandbox, ghsa).body or "")


async def test_coordinator_changed_on_githubs_page_is_followed_not_fought(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        clock.advance(3 * DAY)
        await sweep(stack, installation_id)
        assert coordinators(sandbox, ghsa) == ["alice"]
        credits = [
            {"login": "mallory", "type": "reporter"},
            {"login": "bob", "type": "coordinator"},
        ]
        sandbox.edit_advisory(ORG, CPY, ghsa, credits=credits)
        await sweep(stack, installation_id)
        assert coordinators(sandbox, ghsa) == ["bob"]  # alice's credit is not put back
        assert "bob" in advisory(sandbox, ghsa).collaborating_users
        assert "| Coordinator | `@bob` |" in (tracking_issue(sandbox, ghsa).body or "")


async def test_coordinate_by_someone_credited_otherwise_is_refused_with_the_reason(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        credits = [{"login": "mallory", "type": "reporter"}, {"login": "bob", "type": "analyst"}]
        sandbox.edit_advisory(ORG, CPY, ghsa, credits=credits)
        issue = tracking_issue(sandbox, ghsa)
        await sandbox.comment(ORG, GOV, issue.number, "bob", "/coordinate")
        await settled(stack)
        assert comments(sandbox, issue)[-1].startswith(
            f"@bob is credited as `analyst` on {ghsa}, and a credit is never retyped"
        )
        assert coordinators(sandbox, ghsa) == []


async def test_coordinate_while_a_member_coordinates_is_refused_and_changes_nothing(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        clock.advance(3 * DAY)
        await sweep(stack, installation_id)
        assert coordinators(sandbox, ghsa) == ["alice"]
        issue = tracking_issue(sandbox, ghsa)
        sandbox.reset_recording()
        await sandbox.comment(ORG, GOV, issue.number, "bob", "/coordinate")
        await settled(stack)
        assert comments(sandbox, issue)[-1].startswith(
            f"`@alice` already coordinates {ghsa}; a command never replaces a coordinator"
        )
        assert coordinators(sandbox, ghsa) == ["alice"]
        assert "bob" not in advisory(sandbox, ghsa).collaborating_users
        assert "| Coordinator | `@alice` |" in (issue.body or "")
        assert not [w for w in writes(sandbox) if "security-advisories" in w]


@pytest.mark.parametrize("first", ["sweep", "command"])
async def test_coordinate_racing_the_assignment_leaves_one_coordinator_everyone_agrees_on(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, database_url: str, first: str
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path, database_url=database_url) as stack:
        ghsa = await report(stack)
        issue = tracking_issue(sandbox, ghsa)
        clock.advance(3 * DAY)
        sandbox.faults.latency(0.3, "PATCH", r"/security-advisories/GHSA-")  # the first holds it
        command = sandbox.comment(ORG, GOV, issue.number, "bob", "/coordinate")
        if first == "sweep":
            await asyncio.gather(sweep(stack, installation_id), command)
        else:
            await asyncio.gather(command, sweep(stack, installation_id))
        await settled(stack)
        (login,) = coordinators(sandbox, ghsa)
        record = await records.find(stack.ctx.store, installation_id, CPY, ghsa)
        assert record is not None and record.coordinator == login
        assert f"| Coordinator | `@{login}` |" in (issue.body or "")
        said = comments(sandbox, issue)
        told = [c for c in said if "you are now the coordinator" in c or "is now the coord" in c]
        assert len(told) == 1 and f"@{login}" in told[0]
        if login != "bob":
            assert said[-1].startswith(f"`@{login}` already coordinates {ghsa}")
