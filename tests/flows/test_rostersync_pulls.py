"""`via: pull_request` in real life: the pull request closed by an admin, its branch deleted,
the default branch moving on, the config switching away from pull requests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from app.features.orgconfig import CONFIG_PATH
from app.features.roster import apply
from app.features.roster import templates as t
from app.github.teams import expect_membership
from app.platform.clock import Clock
from sandbox import Sandbox
from tests.harness import Stack, running
from tests.roster_world import (
    EMERITUS,
    EMERITUS_TEXT,
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

DAY = 86400.0


@pytest.fixture
async def stack(sandbox: Sandbox, clock: Clock, tmp_path: Path) -> AsyncIterator[Stack]:
    """Warden keeping the lists by pull request; dave has just left, so one is open."""
    seed(sandbox, config_text(via="pull_request"))
    async with running(sandbox, clock, tmp_path) as started:
        await install(started)
        await sandbox.remove_team_member(ORG, "psrt", "dave", sender="alice")
        await settled(started)
        assert len(open_pulls(sandbox)) == 1
        yield started


def pulls(sb: Sandbox) -> list[int]:
    return sorted(sb.repo(ORG, ROSTER_REPO).pulls)


def comments(sb: Sandbox, number: int) -> list[str]:
    issue = sb.repo(ORG, ROSTER_REPO).issues[number]
    return [sb.world.comments[c].body for c in issue.comments]


async def reconcile(stack: Stack) -> None:
    stack.clock.advance(DAY)
    assert await stack.scheduler.run_job("roster")
    await settled(stack)


async def test_pull_request_closed_without_merging_is_not_opened_again(
    sandbox: Sandbox, stack: Stack
) -> None:
    [pull] = open_pulls(sandbox)
    [dave] = [r for r in file_text(sandbox, EMERITUS, t.BRANCH).splitlines() if ",dave," in r]
    await sandbox.edit_issue(ORG, ROSTER_REPO, pull.number, "alice", state="closed")
    await settled(stack)
    for _ in range(3):
        await reconcile(stack)
    assert pulls(sandbox) == [pull.number]  # no second proposal of the same lists
    said = comments(sandbox, pull.number)
    assert [c for c in said if "closed without merging" in c] == [t.PULL_DECLINED_COMMENT]
    # The team changes again: that is a new proposal.
    await sandbox.remove_team_member(ORG, "psrt", "erin", sender="alice")
    await settled(stack)
    [new] = open_pulls(sandbox)
    assert new.number != pull.number
    assert logins_in(file_text(sandbox, EMERITUS, t.BRANCH)) == ["dave", "erin", "oscar"]
    assert dave in file_text(sandbox, EMERITUS, t.BRANCH).splitlines()  # the day he left


async def test_pull_request_closed_and_its_branch_deleted_is_not_opened_again(
    sandbox: Sandbox, stack: Stack
) -> None:
    [pull] = open_pulls(sandbox)
    await sandbox.edit_issue(ORG, ROSTER_REPO, pull.number, "alice", state="closed")
    del sandbox.repo(ORG, ROSTER_REPO).branches[t.BRANCH]  # "Delete branch" on GitHub
    await reconcile(stack)
    await reconcile(stack)
    assert pulls(sandbox) == [pull.number]


async def test_branch_deleted_by_hand_counts_as_declined_until_the_team_changes(
    sandbox: Sandbox, stack: Stack
) -> None:
    """Deleting the head branch closes its pull request on GitHub (unmerged): Warden does not
    push the same lists back; the next change of the team makes a new branch and pull request."""
    [pull] = open_pulls(sandbox)
    repo = sandbox.repo(ORG, ROSTER_REPO)
    del repo.branches[t.BRANCH]
    repo.issues[pull.number].state = "closed"
    await reconcile(stack)
    assert (pulls(sandbox), t.BRANCH in repo.branches) == ([pull.number], False)
    await sandbox.remove_team_member(ORG, "psrt", "erin", sender="alice")
    await settled(stack)
    assert len(open_pulls(sandbox)) == 1
    assert logins_in(file_text(sandbox, EMERITUS, t.BRANCH)) == ["dave", "erin", "oscar"]


async def test_default_branch_edit_of_the_list_is_carried_into_the_open_pull_request(
    sandbox: Sandbox, stack: Stack
) -> None:
    [pull] = open_pulls(sandbox)
    edited = file_text(sandbox, PUBLIC).replace("Bob Brown", "Robert Brown")
    await sandbox.push(ORG, ROSTER_REPO, "main", {PUBLIC: edited}, sender="bob")
    await reconcile(stack)
    assert [p.number for p in open_pulls(sandbox)] == [pull.number]
    on_branch = file_text(sandbox, PUBLIC, t.BRANCH).splitlines()
    assert "Robert Brown,bob," in on_branch  # not a conflict: the branch starts from main
    assert "dave" not in logins_in("\n".join(on_branch))
    await sandbox.merge_pull_request(ORG, ROSTER_REPO, pull.number, "alice")
    await settled(stack)
    assert "Robert Brown,bob," in file_text(sandbox, PUBLIC).splitlines()
    assert "dave" in logins_in(file_text(sandbox, EMERITUS))


async def test_a_leaver_stays_a_leaver_while_the_pull_request_waits(
    sandbox: Sandbox, stack: Stack
) -> None:
    """dave is still on the default branch's list while the pull request is open: Warden
    remembers he was a member there, so later reconciles keep moving him to the emeritus
    list (he is not mistaken for a row added by hand), and only a hand-added row is dropped."""
    edited = file_text(sandbox, PUBLIC) + "Trent Tee,trent,\n"
    await sandbox.push(ORG, ROSTER_REPO, "main", {PUBLIC: edited}, sender="bob")
    await reconcile(stack)
    await reconcile(stack)
    assert "dave" in logins_in(file_text(sandbox, EMERITUS, t.BRANCH))
    on_branch = logins_in(file_text(sandbox, PUBLIC, t.BRANCH))
    assert "trent" not in on_branch and "dave" not in on_branch
    assert "trent" not in logins_in(file_text(sandbox, EMERITUS, t.BRANCH))
    [alert] = alerts(sandbox)  # one alert, however many reconciles see the open pull request
    assert "- @trent: Trent Tee" in (alert.body or "").splitlines()


async def test_switching_to_via_commit_closes_the_open_pull_request_and_commits(
    sandbox: Sandbox, stack: Stack
) -> None:
    [pull] = open_pulls(sandbox)
    await sandbox.push(ORG, ".github", "main", {CONFIG_PATH: config_text()}, sender="alice")
    await settled(stack)
    assert open_pulls(sandbox) == []
    assert comments(sandbox, pull.number)[-1] == t.PULL_RETIRED_COMMENT
    assert "dave" in logins_in(file_text(sandbox, EMERITUS))


async def test_removing_the_roster_section_closes_the_open_pull_request(
    sandbox: Sandbox, stack: Stack
) -> None:
    [pull] = open_pulls(sandbox)
    config = config_text(via="pull_request").split("roster:")[0]
    commits = roster_commits(sandbox)
    await sandbox.push(ORG, ".github", "main", {CONFIG_PATH: config}, sender="alice")
    await settled(stack)
    assert open_pulls(sandbox) == []
    assert comments(sandbox, pull.number)[-1] == t.PULL_RETIRED_COMMENT
    assert roster_commits(sandbox) == commits


async def test_pull_request_merged_while_warden_updates_it_ends_with_every_change(
    sandbox: Sandbox, stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An admin merges the open pull request just as Warden pushes a second change to its
    branch: nothing is lost; what the merge missed comes in a new pull request."""
    [pull] = open_pulls(sandbox)
    real_put, merged = apply.put_file, []

    async def put_then_merge(*args: Any, **kwargs: Any) -> None:
        await real_put(*args, **kwargs)
        if not merged:
            merged.append(await sandbox.merge_pull_request(ORG, ROSTER_REPO, pull.number, "alice"))

    monkeypatch.setattr(apply, "put_file", put_then_merge)
    await sandbox.remove_team_member(ORG, "psrt", "erin", sender="alice")
    await settled(stack)
    monkeypatch.undo()
    await reconcile(stack)
    for [new] in [open_pulls(sandbox)]:
        await sandbox.merge_pull_request(ORG, ROSTER_REPO, new.number, "alice")
    await settled(stack)
    assert logins_in(file_text(sandbox, EMERITUS)) == ["dave", "erin", "oscar"]
    assert not {"dave", "erin"} & set(logins_in(file_text(sandbox, PUBLIC)))
    await reconcile(stack)
    assert open_pulls(sandbox) == []


async def test_moving_the_lists_to_another_path_keeps_names_notes_and_emeritus_rows(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox, config_text())
    renamed = current_list().replace("Bob Brown,bob,", "Robert Brown,bob,Chair")
    await sandbox.push(ORG, ROSTER_REPO, "main", {PUBLIC: renamed}, sender="bob")
    async with running(sandbox, clock, tmp_path) as stack:
        await install(stack)
        moved = config_text().replace("security/psrt", "security/members")
        await sandbox.push(ORG, ".github", "main", {CONFIG_PATH: moved}, sender="alice")
        await settled(stack)
        assert file_text(sandbox, "security/members.csv") == renamed
        assert file_text(sandbox, "security/members-emeritus.csv") == EMERITUS_TEXT
        assert file_text(sandbox, PUBLIC) == renamed  # the old file is left for the admins


async def test_a_pull_request_warden_closed_as_stale_does_not_count_as_declined(
    sandbox: Sandbox, stack: Stack
) -> None:
    """dave leaves (pull request), comes back (Warden closes it: main already matches), and
    leaves again the same day: the same lists are proposed again, in a new pull request."""
    [pull] = open_pulls(sandbox)
    row = await stack.ctx.store.fetchrow("SELECT installation_id FROM roster_state")
    assert row is not None
    await expect_membership(stack.ctx, row["installation_id"], ORG, "psrt", "dave", "added", "v")
    await sandbox.add_team_member(ORG, "psrt", "dave", sender=sandbox.bot_login)
    await settled(stack)
    assert open_pulls(sandbox) == []
    await sandbox.remove_team_member(ORG, "psrt", "dave", sender="alice")
    await settled(stack)
    [again] = open_pulls(sandbox)
    assert again.number != pull.number
    assert not [c for c in comments(sandbox, pull.number) if "closed without merging" in c]


async def test_moving_the_lists_to_another_repository_starts_from_the_old_files(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox, config_text())
    sandbox.add_repo(ORG, "website", files={"README.md": "site\n"})
    async with running(sandbox, clock, tmp_path) as stack:
        await install(stack)
        moved = config_text().replace(f"repo: {ROSTER_REPO}", "repo: website")
        await sandbox.push(ORG, ".github", "main", {CONFIG_PATH: moved}, sender="alice")
        await settled(stack)
        site = sandbox.repo(ORG, "website").tree("main")
        assert (site[PUBLIC], site[EMERITUS]) == (current_list(), EMERITUS_TEXT)
