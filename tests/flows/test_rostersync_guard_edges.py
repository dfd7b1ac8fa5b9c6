"""Guarding the team at its edges: `enforce` and admins, no removal loop, logins in another
case, a team of more than one page, and alerts raised once and closed when fixed."""

from __future__ import annotations

from pathlib import Path

from app.features.roster import dry_run_lines
from app.features.roster.listfile import Row, render_list
from app.github.teams import expect_membership
from app.platform.clock import Clock
from sandbox import Sandbox
from tests.harness import running
from tests.roster_world import (
    EMERITUS,
    EMERITUS_TEXT,
    MAINTAINERS,
    MEMBERS,
    ORG,
    PUBLIC,
    ROSTER_REPO,
    alerts,
    config_text,
    current_list,
    file_text,
    install,
    logins_in,
    roster_commits,
    row,
    seed,
    settled,
)

DAY = 86400.0


async def test_enforce_never_removes_an_admin_added_without_a_vote(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox, config_text(enforce=True))
    async with running(sandbox, clock, tmp_path) as stack:
        await install(stack)
        await sandbox.add_team_member(ORG, "psrt", "mallory", role="maintainer", sender="alice")
        await settled(stack)
        assert sandbox.world.team(ORG, "psrt").members["mallory"] == "maintainer"
        [alert] = alerts(sandbox)
        assert "They are an admin, so Warden did not remove them" in (alert.body or "")
        assert "Mallory Moss,mallory,Admin" in file_text(sandbox, PUBLIC).splitlines()
        clock.advance(DAY)
        assert await stack.scheduler.run_job("roster")
        assert sandbox.count("DELETE") == 0
        assert len(alerts(sandbox)) == 1


async def test_enforce_removal_is_one_membership_event_and_no_loop(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox, config_text(enforce=True))
    async with running(sandbox, clock, tmp_path) as stack:
        await install(stack)
        sandbox.reset_recording()
        await sandbox.add_team_member(ORG, "psrt", "mallory", sender="grace")
        await settled(stack)
        assert sandbox.count("DELETE", f"/orgs/{ORG}/teams/psrt/memberships/mallory") == 1
        events = [d.event + "." + str(d.action) for d in sandbox.deliveries]
        assert events.count("membership.removed") == 1  # Warden's removal, handled quietly
        assert len(alerts(sandbox)) == 1
        assert sandbox.count("PATCH", f"/repos/{ORG}/psrt-governance/issues/1") == 0
        assert roster_commits(sandbox) == 0


async def test_logins_in_another_case_on_the_list_are_the_same_people(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    shouting = current_list().replace(",bob,", ",BOB,").replace(",carol,", ",Carol,")
    await sandbox.push(ORG, ROSTER_REPO, "main", {PUBLIC: shouting}, sender="alice")
    async with running(sandbox, clock, tmp_path) as stack:
        await install(stack)
        assert (roster_commits(sandbox), alerts(sandbox)) == (1, [])  # only the push
        await sandbox.remove_team_member(ORG, "psrt", "Bob", sender="alice")
        await settled(stack)
        assert logins_in(file_text(sandbox, PUBLIC)).count("Carol") == 1
        assert "BOB" in logins_in(file_text(sandbox, EMERITUS))
        assert "bob" not in [x.lower() for x in logins_in(file_text(sandbox, PUBLIC))]


async def test_a_team_of_130_members_is_read_across_pages(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    crowd = [f"member{i:03d}" for i in range(130)]
    for login in crowd:
        sandbox.add_user(login, f"Member {login[-3:]}")
    sandbox.world.org(ORG).members.update({login: "member" for login in crowd})
    team = sandbox.world.team(ORG, "psrt")
    team.members.update({login: "member" for login in crowd})
    rows = [Row(f"Member {x[-3:]}", x, ()) for x in crowd]
    listed = render_list([*rows, *(row(x) for x in MAINTAINERS + MEMBERS)], "csv")
    await sandbox.push(ORG, ROSTER_REPO, "main", {PUBLIC: listed}, sender="alice")
    async with running(sandbox, clock, tmp_path) as stack:
        await install(stack)
        assert (roster_commits(sandbox), alerts(sandbox)) == (1, [])  # all 138 known, listed
        await sandbox.remove_team_member(ORG, "psrt", "member120", sender="alice")
        await settled(stack)
        assert "member120" in logins_in(file_text(sandbox, EMERITUS))
        public = logins_in(file_text(sandbox, PUBLIC))
        assert len(public) == 137 and "member129" in public
        assert alerts(sandbox) == []
        pages = sandbox.count("GET", f"/orgs/{ORG}/teams/psrt/members")
        assert pages >= 2


async def test_a_member_who_renames_their_login_keeps_their_row_and_raises_no_alert(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    """GitHub keeps the user id across a rename and tells the org nothing: the scheduled
    reconcile renames the row in place; `enforce` does not remove the renamed member."""
    seed(sandbox, config_text(enforce=True))
    async with running(sandbox, clock, tmp_path) as stack:
        await install(stack)  # records the members' user ids
        sandbox.rename_user("carol", "carol-c")
        clock.advance(DAY)
        assert await stack.scheduler.run_job("roster")
        await settled(stack)
        assert "carol-c" in sandbox.world.team(ORG, "psrt").members  # not removed
        assert alerts(sandbox) == []
        public = file_text(sandbox, PUBLIC).splitlines()
        assert [line for line in public if "Carol" in line] == [
            "Carol Chen,carol-c,Release Manager"
        ]
        assert "carol" not in logins_in(file_text(sandbox, EMERITUS))
        repo = sandbox.repo(ORG, ROSTER_REPO)
        message = repo.commits[repo.branches["main"]].message
        assert "- renamed on GitHub: @carol -> @carol-c" in message.splitlines()


async def test_unauthorised_addition_alert_is_closed_when_the_member_is_removed(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        await install(stack)
        await sandbox.add_team_member(ORG, "psrt", "mallory", sender="alice")
        await settled(stack)
        [alert] = alerts(sandbox)
        await sandbox.remove_team_member(ORG, "psrt", "mallory", sender="grace")
        await settled(stack)
        assert alerts(sandbox) == []
        issue = sandbox.repo(ORG, "psrt-governance").issues[alert.number]
        last = sandbox.world.comments[issue.comments[-1]].body
        assert last == "@mallory is no longer in the team; closing."
        assert "mallory" in logins_in(file_text(sandbox, EMERITUS))


async def test_fewer_than_two_admins_alert_is_raised_once_and_updated_in_place(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        await install(stack)
        # A change of role sends no `membership` event: the daily reconcile sees it.
        await sandbox.add_team_member(ORG, "psrt", "grace", role="member", sender="alice")
        clock.advance(DAY)
        assert await stack.scheduler.run_job("roster")
        [alert] = alerts(sandbox)
        assert "has 1: @alice" in (alert.body or "")
        await sandbox.add_team_member(ORG, "psrt", "bob", role="maintainer", sender="alice")
        await sandbox.add_team_member(ORG, "psrt", "alice", role="member", sender="bob")
        clock.advance(DAY)
        assert await stack.scheduler.run_job("roster")
        clock.advance(DAY)
        assert await stack.scheduler.run_job("roster")
        [again] = alerts(sandbox)
        assert again.number == alert.number
        assert "has 1: @bob" in (again.body or "")


async def test_a_row_added_by_hand_for_someone_never_in_the_team_is_dropped_and_alerted(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    """The team is canonical: a hand-edited list keeps its names and notes, but a row for
    someone who was never a member (not on the list Warden last reconciled) leaves the
    public list without an emeritus row ("Left" would be untrue), and an alert quotes it."""
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        await install(stack)
        edited = current_list().replace("Bob Brown,bob,", "Robert Brown,bob,Chair")
        edited += "Mallory Moss,mallory,Observer\n"
        await sandbox.push(ORG, ROSTER_REPO, "main", {PUBLIC: edited}, sender="mallory")
        clock.advance(DAY)
        assert await stack.scheduler.run_job("roster")
        public = file_text(sandbox, PUBLIC).splitlines()
        assert "Robert Brown,bob,Chair" in public
        assert "mallory" not in logins_in(file_text(sandbox, PUBLIC))
        assert file_text(sandbox, EMERITUS) == EMERITUS_TEXT
        [alert] = alerts(sandbox)
        assert "- @mallory: Mallory Moss (Observer)" in (alert.body or "").splitlines()
        message = (
            sandbox.repo(ORG, ROSTER_REPO)
            .commits[sandbox.repo(ORG, ROSTER_REPO).branches["main"]]
            .message
        )
        assert "- taken off the list (never in the team): @mallory" in message.splitlines()
        edited = current_list() + "Trent Tee,trent,\n"  # a second one extends the alert
        await sandbox.push(ORG, ROSTER_REPO, "main", {PUBLIC: edited}, sender="mallory")
        clock.advance(DAY)
        assert await stack.scheduler.run_job("roster")
        [again] = alerts(sandbox)
        assert again.number == alert.number
        lines = (again.body or "").splitlines()
        assert "- @mallory: Mallory Moss (Observer)" in lines
        assert "- @trent: Trent Tee" in lines


async def test_a_member_whose_webhook_was_missed_still_moves_to_the_emeritus_list(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    """A leaver was on the list Warden last reconciled: moved with the date, no alert."""
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        await install(stack)
        del sandbox.world.team(ORG, "psrt").members["dave"]  # no webhook
        clock.advance(DAY)
        assert await stack.scheduler.run_job("roster")
        assert "dave" not in logins_in(file_text(sandbox, PUBLIC))
        assert "dave" in logins_in(file_text(sandbox, EMERITUS))
        assert alerts(sandbox) == []


async def test_an_invitee_pending_when_warden_started_joins_without_an_alert(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    """The baseline holds the pending invitations too: accepting one later is no intrusion."""
    seed(sandbox)
    assert await sandbox.add_team_member(ORG, "psrt", "ivan", sender="alice") == "pending"
    async with running(sandbox, clock, tmp_path) as stack:
        await install(stack)
        assert "ivan" not in logins_in(file_text(sandbox, PUBLIC))
        await sandbox.add_org_member(ORG, "ivan")
        await settled(stack)
        assert "Ivan Ivanov,ivan," in file_text(sandbox, PUBLIC).splitlines()
        assert alerts(sandbox) == []


async def test_the_dry_run_shows_a_rename_as_a_rename_and_records_nothing(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        installation_id = await install(stack)
        sandbox.rename_user("carol", "carol-c")
        lines = await dry_run_lines(stack.installation(installation_id, ORG))
        assert "- renamed on GitHub: @carol -> @carol-c" in lines
        assert not [line for line in lines if "emeritus list:" in line]
        clock.advance(DAY)
        assert await stack.scheduler.run_job("roster")  # the real run still sees the rename
        assert "Carol Chen,carol-c,Release Manager" in file_text(sandbox, PUBLIC).splitlines()
        assert alerts(sandbox) == []


async def test_enforce_keeps_a_member_admitted_by_a_passed_vote(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox, config_text(enforce=True))
    async with running(sandbox, clock, tmp_path) as stack:
        installation_id = await install(stack)
        await expect_membership(stack.ctx, installation_id, ORG, "psrt", "mallory", "added", "vote")
        await sandbox.add_team_member(ORG, "psrt", "mallory", sender=sandbox.bot_login)
        await settled(stack)
        clock.advance(DAY)
        assert await stack.scheduler.run_job("roster")
        assert "mallory" in sandbox.world.team(ORG, "psrt").members
        assert (sandbox.count("DELETE"), alerts(sandbox)) == (0, [])
        assert "Mallory Moss,mallory," in file_text(sandbox, PUBLIC).splitlines()


async def test_a_new_member_whose_account_is_gone_is_listed_by_login(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    """The profile lookup for the display name answers 404 (the account was deleted
    meanwhile): the row uses the login, and the reconcile does not fail."""
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        installation_id = await install(stack)
        await expect_membership(stack.ctx, installation_id, ORG, "psrt", "mallory", "added", "vote")
        sandbox.faults.add("GET", r"^/users/mallory$", status=404)
        await sandbox.add_team_member(ORG, "psrt", "mallory", sender=sandbox.bot_login)
        await settled(stack)
        assert sandbox.faults.pending == []  # the profile was asked for, and was gone
        assert "mallory,mallory," in file_text(sandbox, PUBLIC).splitlines()


async def test_a_change_of_role_sends_no_webhook_and_the_daily_reconcile_moves_the_admin_note(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    """GitHub's `membership` event has only `added` and `removed`, and `team.edited` does
    not report roles: a promotion reaches Warden only through the scheduled reconcile."""
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        await install(stack)
        before = await stack.ctx.store.count_deliveries()
        await sandbox.add_team_member(ORG, "psrt", "bob", role="maintainer", sender="alice")
        await settled(stack)
        assert await stack.ctx.store.count_deliveries() == before  # no webhook at all
        assert "Bob Brown,bob," in file_text(sandbox, PUBLIC).splitlines()
        clock.advance(DAY)
        assert await stack.scheduler.run_job("roster")
        assert "Bob Brown,bob,Admin" in file_text(sandbox, PUBLIC).splitlines()
