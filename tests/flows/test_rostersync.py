"""Roster sync end to end in the sandbox: each event path keeps the lists in line with the team."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from pathlib import Path

import pytest

from app.features.orgconfig import CONFIG_PATH
from app.github.teams import expect_membership
from app.platform.clock import Clock
from sandbox import Sandbox
from tests.harness import Stack, running
from tests.roster_world import (
    EMERITUS,
    ORG,
    PUBLIC,
    ROSTER_REPO,
    alerts,
    config_text,
    current_list,
    file_text,
    install,
    logins_in,
    open_pulls,
    roster_commits,
    seed,
    settled,
)

TODAY = "Left {date}"


def started(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, config: str | None = None
) -> AbstractAsyncContextManager[Stack]:
    seed(sandbox, config)
    return running(sandbox, clock, tmp_path)


def left_today(clock: Clock) -> str:
    return TODAY.format(date=clock.now().date().isoformat())


@pytest.mark.parametrize("via", ["commit", "pull_request"])
async def test_member_removed_from_team_moves_to_emeritus_and_off_public_list(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, via: str
) -> None:
    async with started(sandbox, clock, tmp_path, config_text(via=via)) as stack:
        await install(stack)
        await sandbox.remove_team_member(ORG, "psrt", "dave", sender="alice")
        await settled(stack)
        if via == "pull_request":
            assert file_text(sandbox, PUBLIC) == current_list()  # main waits for the merge
            [pull] = open_pulls(sandbox)
            await sandbox.merge_pull_request(ORG, ROSTER_REPO, pull.number, "alice")
            await settled(stack)
        public, emeritus = file_text(sandbox, PUBLIC), file_text(sandbox, EMERITUS)
        assert "dave" not in logins_in(public)
        assert f"Dave Diaz,dave,{left_today(clock)}" in emeritus.splitlines()
        assert "Oscar Ortiz,oscar,Left 2024-03-01" in emeritus.splitlines()
        assert public == current_list(("alice", "grace", "bob", "carol", "erin", "frank", "heidi"))
        commits = roster_commits(sandbox)
        clock.advance(86400)
        assert await stack.scheduler.run_job("roster")  # the lists now match: nothing to do
        assert (roster_commits(sandbox), open_pulls(sandbox)) == (commits, [])


async def test_install_with_lists_already_right_writes_nothing(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path) as stack:
        await install(stack)
        assert roster_commits(sandbox) == 0
        assert alerts(sandbox) == []
        assert sandbox.count("PUT") == 0


async def test_member_added_after_a_passed_vote_is_listed_without_alert(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path) as stack:
        installation_id = await install(stack)
        await expect_membership(stack.ctx, installation_id, ORG, "psrt", "mallory", "added", "vote")
        await sandbox.add_team_member(ORG, "psrt", "mallory", sender=sandbox.bot_login)
        await settled(stack)
        assert "Mallory Moss,mallory," in file_text(sandbox, PUBLIC).splitlines()
        assert alerts(sandbox) == []


async def test_member_added_without_a_vote_raises_an_alert_naming_who_added_them(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path) as stack:
        await install(stack)
        await sandbox.add_team_member(ORG, "psrt", "mallory", sender="alice")
        await settled(stack)
        [alert] = alerts(sandbox)
        assert "@mallory" in alert.title
        assert "@alice added them" in (alert.body or "")
        assert "stay in the team" in (alert.body or "")
        assert "mallory" in sandbox.world.team(ORG, "psrt").members
        assert "mallory" in logins_in(file_text(sandbox, PUBLIC))
        # The scheduled reconcile does not raise it again.
        await stack.scheduler.run_job("roster")
        assert len(alerts(sandbox)) == 1


async def test_enforce_removes_an_unauthorised_member_and_the_alert_says_so(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path, config_text(enforce=True)) as stack:
        await install(stack)
        await sandbox.add_team_member(ORG, "psrt", "mallory", sender="grace")
        await settled(stack)
        [alert] = alerts(sandbox)
        assert "@grace added them" in (alert.body or "")
        assert "Warden removed them again" in (alert.body or "")
        assert "mallory" not in sandbox.world.team(ORG, "psrt").members
        assert "mallory" not in file_text(sandbox, PUBLIC) + file_text(sandbox, EMERITUS)
        assert roster_commits(sandbox) == 0


async def test_member_removed_from_the_org_moves_to_emeritus(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path) as stack:
        await install(stack)
        await sandbox.remove_org_member(ORG, "heidi", sender="alice")
        await settled(stack)
        assert "heidi" not in logins_in(file_text(sandbox, PUBLIC))
        assert "heidi" in logins_in(file_text(sandbox, EMERITUS))


async def test_team_edited_repairs_a_list_edited_by_hand(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path) as stack:
        await install(stack)
        wrong = current_list().replace("Bob Brown,bob,\n", "")
        await sandbox.push(ORG, "devguide", "main", {PUBLIC: wrong}, sender="mallory")
        await sandbox.edit_team(ORG, "psrt", "alice", description="Security response team")
        await settled(stack)
        assert file_text(sandbox, PUBLIC) == current_list()


async def test_notes_team_membership_changes_the_notes(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path) as stack:
        await install(stack)
        await sandbox.add_team_member(ORG, "release-managers", "erin", sender="alice")
        await settled(stack)
        assert "Erin Evans,erin,Release Manager" in file_text(sandbox, PUBLIC).splitlines()
        assert alerts(sandbox) == []  # only the member team is guarded


async def test_admins_team_membership_moves_the_admin_note(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox, config_text(extra="admins: psrt-admins\n"))
    sandbox.add_team(ORG, "psrt-admins", members=("alice", "grace"))
    async with running(sandbox, clock, tmp_path) as stack:
        await install(stack)
        assert file_text(sandbox, PUBLIC) == current_list()  # alice and grace: Admin
        await sandbox.add_team_member(ORG, "psrt-admins", "bob", sender="alice")
        await sandbox.remove_team_member(ORG, "psrt-admins", "grace", sender="alice")
        await settled(stack)
        public = file_text(sandbox, PUBLIC).splitlines()
        assert "Bob Brown,bob,Admin" in public
        assert "Grace Hopper,grace," in public
        assert alerts(sandbox) == []  # two admins throughout; only the member team is guarded


async def test_config_change_to_the_roster_section_reconciles(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path) as stack:
        await install(stack)
        renamed = config_text().replace("Release Manager", "RM")
        await sandbox.push(ORG, ".github", "main", {CONFIG_PATH: renamed}, sender="alice")
        await settled(stack)
        assert "Carol Chen,carol,RM" in file_text(sandbox, PUBLIC).splitlines()


async def test_scheduled_reconcile_repairs_a_missed_removal(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path) as stack:
        await install(stack)
        url, sandbox.webhook_url = sandbox.webhook_url, None  # Warden is down: no delivery
        await sandbox.remove_team_member(ORG, "psrt", "frank", sender="alice")
        sandbox.webhook_url = url
        assert "frank" in logins_in(file_text(sandbox, PUBLIC))
        clock.advance(86400)
        assert await stack.scheduler.run_job("roster")
        assert "frank" not in logins_in(file_text(sandbox, PUBLIC))
        assert "frank" in logins_in(file_text(sandbox, EMERITUS))


async def test_scheduled_reconcile_alerts_on_a_member_added_while_warden_was_down(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path) as stack:
        await install(stack)
        url, sandbox.webhook_url = sandbox.webhook_url, None
        await sandbox.add_team_member(ORG, "psrt", "mallory", sender="alice")
        sandbox.webhook_url = url
        clock.advance(86400)
        assert await stack.scheduler.run_job("roster")
        [alert] = alerts(sandbox)
        assert "GitHub did not say who added them" in (alert.body or "")


async def test_scheduled_reconcile_waits_for_the_configured_cadence(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path) as stack:
        await install(stack)
        sandbox.reset_recording()
        clock.advance(3600)
        assert await stack.scheduler.run_job("roster")
        assert sandbox.count(path_prefix="/orgs/python/teams") == 0  # 1 h < schedule.roster 1d
        clock.advance(86400)
        assert await stack.scheduler.run_job("roster")
        assert sandbox.count(path_prefix="/orgs/python/teams") > 0


async def test_pending_invitation_is_not_listed_until_accepted(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path) as stack:
        installation_id = await install(stack)
        await expect_membership(stack.ctx, installation_id, ORG, "psrt", "ivan", "added", "vote")
        state = await sandbox.add_team_member(ORG, "psrt", "ivan", sender=sandbox.bot_login)
        assert state == "pending"
        await stack.scheduler.run_job("roster")
        assert "ivan" not in file_text(sandbox, PUBLIC)
        await sandbox.add_org_member(ORG, "ivan")
        await settled(stack)
        assert "Ivan Ivanov,ivan," in file_text(sandbox, PUBLIC).splitlines()
        assert alerts(sandbox) == []


async def test_deleting_the_member_team_raises_an_alert_and_keeps_the_lists(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path) as stack:
        await install(stack)
        await sandbox.delete_team(ORG, "psrt", sender="alice")
        await settled(stack)
        [alert] = alerts(sandbox)
        assert "was deleted" in alert.title
        assert "@alice deleted @python/psrt" in (alert.body or "")
        assert file_text(sandbox, PUBLIC) == current_list()
        clock.advance(86400)
        assert await stack.scheduler.run_job("roster")  # the missing team empties nothing
        assert file_text(sandbox, PUBLIC) == current_list()
        assert roster_commits(sandbox) == 0


async def test_renaming_the_member_team_tells_the_admins_the_new_slug(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    """GitHub gives a renamed team a new slug and the old one answers 404: Warden says so
    instead of failing quietly on every reconcile, and leaves the lists alone."""
    async with started(sandbox, clock, tmp_path) as stack:
        await install(stack)
        await sandbox.edit_team(ORG, "psrt", "alice", name="Python Security")
        await settled(stack)
        [alert] = alerts(sandbox)
        assert "it is now `@python/python-security`" in (alert.body or "")
        assert "@alice renamed @python/psrt" in (alert.body or "")
        clock.advance(86400)
        assert await stack.scheduler.run_job("roster")
        assert [a.number for a in alerts(sandbox)] == [alert.number]
        assert "@alice renamed" in (alerts(sandbox)[0].body or "")  # not overwritten
        assert file_text(sandbox, PUBLIC) == current_list()


async def test_the_team_alert_is_closed_once_team_names_the_renamed_team(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    """The admins put the new slug in `team`: the alert about the renamed team is closed,
    saying so, and the lists follow the team again."""
    async with started(sandbox, clock, tmp_path) as stack:
        await install(stack)
        await sandbox.edit_team(ORG, "psrt", "alice", name="Python Security")
        await settled(stack)
        [alert] = alerts(sandbox)
        fixed = config_text().replace("team: psrt", "team: python-security")
        await sandbox.push(ORG, ".github", "main", {CONFIG_PATH: fixed}, sender="alice")
        await settled(stack)
        assert alerts(sandbox) == []
        [closed] = [a for a in alerts(sandbox, "closed") if a.number == alert.number]
        said = [sandbox.world.comments[c].body for c in closed.comments]
        assert any("@python/python-security" in body for body in said)
        assert file_text(sandbox, PUBLIC) == current_list()


async def test_a_member_team_missing_on_the_scheduled_reconcile_raises_one_alert(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path) as stack:
        await install(stack)
        url, sandbox.webhook_url = sandbox.webhook_url, None  # the team.edited was missed
        await sandbox.edit_team(ORG, "psrt", "alice", name="PSRT 2")
        sandbox.webhook_url = url
        for _ in range(2):
            clock.advance(86400)
            assert await stack.scheduler.run_job("roster")
        [alert] = alerts(sandbox)
        assert "does not exist" in (alert.body or "")
        assert roster_commits(sandbox) == 0
