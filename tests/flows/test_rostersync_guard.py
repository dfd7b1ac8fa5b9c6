"""Guarding the team: fewer than two admins, the 25% removal guard and `/roster confirm`."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from pathlib import Path

from app.features.roster import templates as t
from app.platform.clock import Clock
from sandbox import Sandbox
from tests.harness import Stack, running
from tests.roster_world import (
    EMERITUS,
    GOVERNANCE,
    ORG,
    PUBLIC,
    alerts,
    config_text,
    file_text,
    install,
    logins_in,
    roster_commits,
    seed,
    settled,
)

LEAVERS = ("bob", "dave", "erin")  # 3 of the 8 listed: 37.5%, over the 25% limit


def started(sandbox: Sandbox, clock: Clock, tmp_path: Path) -> AbstractAsyncContextManager[Stack]:
    seed(sandbox, config_text())
    return running(sandbox, clock, tmp_path)


def comments_on(sb: Sandbox, number: int) -> list[str]:
    issue = sb.repo(ORG, GOVERNANCE).issues[number]
    return [sb.world.comments[c].body for c in issue.comments]


async def remove_while_down(stack: Stack, logins: tuple[str, ...]) -> None:
    """Several members leave while Warden is down, so one reconcile sees them all."""
    url, stack.sb.webhook_url = stack.sb.webhook_url, None
    for login in logins:
        await stack.sb.remove_team_member(ORG, "psrt", login, sender="alice")
    stack.sb.webhook_url = url
    stack.clock.advance(86400)


async def paused_alert(stack: Stack) -> int:
    await remove_while_down(stack, LEAVERS)
    assert await stack.scheduler.run_job("roster")
    [alert] = alerts(stack.sb)
    return alert.number


async def test_fewer_than_two_admins_raises_an_alert_closed_when_fixed(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path) as stack:
        await install(stack)
        await sandbox.add_team_member(ORG, "psrt", "grace", role="member", sender="alice")
        await stack.ctx.store.execute("UPDATE roster_state SET reconciled_at = 0")
        await stack.scheduler.run_job("roster")
        [alert] = alerts(sandbox)
        assert "fewer than two admins" in alert.title
        assert "@alice" in (alert.body or "")
        assert "Alice Adams,alice,Admin" in file_text(sandbox, PUBLIC).splitlines()
        assert "Grace Hopper,grace," in file_text(sandbox, PUBLIC).splitlines()
        await sandbox.add_team_member(ORG, "psrt", "bob", role="maintainer", sender="alice")
        await stack.ctx.store.execute("UPDATE roster_state SET reconciled_at = 0")
        await stack.scheduler.run_job("roster")
        assert alerts(sandbox) == []
        assert "two admins or more again" in comments_on(sandbox, alert.number)[-1]


async def test_removing_more_than_a_quarter_of_the_list_waits_for_confirmation(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path) as stack:
        await install(stack)
        number = await paused_alert(stack)
        issue = sandbox.repo(ORG, GOVERNANCE).issues[number]
        assert "3 of 8" in issue.title
        assert "`/roster confirm`" in (issue.body or "")
        assert roster_commits(sandbox) == 0
        for login in LEAVERS:
            assert login in logins_in(file_text(sandbox, PUBLIC))
        clock.advance(86400)  # the next reconcile is still paused, with the same alert
        assert await stack.scheduler.run_job("roster")
        assert [a.number for a in alerts(sandbox)] == [number]
        assert roster_commits(sandbox) == 0


async def test_admin_roster_confirm_applies_the_paused_removals_and_closes_the_alert(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path) as stack:
        await install(stack)
        number = await paused_alert(stack)
        await sandbox.comment(ORG, GOVERNANCE, number, "grace", "/roster confirm")
        await settled(stack)
        for login in LEAVERS:
            assert login not in logins_in(file_text(sandbox, PUBLIC))
            assert login in logins_in(file_text(sandbox, EMERITUS))
        assert sandbox.repo(ORG, GOVERNANCE).issues[number].state == "closed"
        assert "Confirmed by @grace" in comments_on(sandbox, number)[-1]


async def test_roster_confirm_from_a_member_who_is_not_admin_is_refused(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path) as stack:
        await install(stack)
        number = await paused_alert(stack)
        await sandbox.comment(ORG, GOVERNANCE, number, "carol", "/roster confirm")
        await settled(stack)
        assert comments_on(sandbox, number)[-1] == t.NOT_ADMIN
        assert roster_commits(sandbox) == 0
        assert sandbox.repo(ORG, GOVERNANCE).issues[number].state == "open"


async def test_roster_confirm_outside_the_alert_issue_is_refused(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path) as stack:
        await install(stack)
        await paused_alert(stack)
        other = await sandbox.open_issue(ORG, GOVERNANCE, "alice", "Notes", "meeting notes")
        await sandbox.comment(ORG, GOVERNANCE, other, "alice", "/roster confirm")
        await settled(stack)
        assert comments_on(sandbox, other)[-1] == t.NOT_ALERT
        assert roster_commits(sandbox) == 0


async def test_roster_without_confirm_gets_a_one_line_reply(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path) as stack:
        await install(stack)
        number = await paused_alert(stack)
        await sandbox.comment(ORG, GOVERNANCE, number, "alice", "/roster sync now")
        await settled(stack)
        assert comments_on(sandbox, number)[-1] == t.UNKNOWN_SUBCOMMAND
        assert roster_commits(sandbox) == 0


async def test_removals_within_a_quarter_are_applied_without_confirmation(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path) as stack:
        await install(stack)
        await remove_while_down(stack, ("bob", "dave"))  # 2 of 8: exactly 25%
        assert await stack.scheduler.run_job("roster")
        assert alerts(sandbox) == []
        assert logins_in(file_text(sandbox, EMERITUS)) == ["bob", "dave", "oscar"]


async def test_roster_confirm_asks_github_who_is_an_admin_when_the_command_arrives(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    """grace was an admin when the alert opened; demoted since (no webhook reached Warden),
    her `/roster confirm` is refused because GitHub is asked, not a remembered list."""
    async with started(sandbox, clock, tmp_path) as stack:
        await install(stack)
        number = await paused_alert(stack)
        url, sandbox.webhook_url = sandbox.webhook_url, None
        await sandbox.add_team_member(ORG, "psrt", "grace", role="member", sender="alice")
        sandbox.webhook_url = url
        sandbox.reset_recording()
        await sandbox.comment(ORG, GOVERNANCE, number, "grace", "/roster confirm")
        await settled(stack)
        assert comments_on(sandbox, number)[-1] == t.NOT_ADMIN
        assert sandbox.count("GET", f"/orgs/{ORG}/teams/psrt/memberships/grace") == 1
        assert roster_commits(sandbox) == 0


async def test_with_an_admins_team_its_members_confirm_and_team_maintainers_do_not(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox, config_text(extra="admins: psrt-admins\n"))
    sandbox.add_team(ORG, "psrt-admins", members=("bob", "carol"))
    async with running(sandbox, clock, tmp_path) as stack:
        await install(stack)
        public = file_text(sandbox, PUBLIC).splitlines()
        assert "Bob Brown,bob,Admin" in public and "Alice Adams,alice," in public
        await remove_while_down(stack, ("dave", "erin", "frank"))
        assert await stack.scheduler.run_job("roster")
        [alert] = alerts(sandbox)
        await sandbox.comment(ORG, GOVERNANCE, alert.number, "alice", "/roster confirm")
        await settled(stack)
        assert comments_on(sandbox, alert.number)[-1] == t.NOT_ADMIN  # maintainer, not admin
        await sandbox.comment(ORG, GOVERNANCE, alert.number, "carol", "/roster confirm")
        await settled(stack)
        assert "Confirmed by @carol" in comments_on(sandbox, alert.number)[-1]
        assert logins_in(file_text(sandbox, EMERITUS)) == ["dave", "erin", "frank", "oscar"]
