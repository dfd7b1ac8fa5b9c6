"""How changes are written: one pull request or commits, nothing when unchanged, 409 retried;
the dry run; and what a reconcile with nothing to change costs."""

from __future__ import annotations

import asyncio
import os
import sys
from collections import Counter
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any

import pytest

from app.features.roster import reconcile as sync
from app.features.roster import roster_command
from app.features.roster import templates as t
from app.features.roster.listfile import render_list
from app.github.teams import expect_membership
from app.platform.clock import Clock
from sandbox import Sandbox, actions_repo
from tests.harness import Stack, running
from tests.roster_world import (
    EMERITUS,
    MAINTAINERS,
    MEMBERS,
    ORG,
    PUBLIC,
    ROSTER_REPO,
    config_text,
    current_list,
    file_text,
    install,
    logins_in,
    open_pulls,
    roster_commits,
    row,
    seed,
    settled,
)
from tests.unit.test_roster import assert_golden

ROOT = Path(__file__).parents[2]


def started(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, via: str
) -> AbstractAsyncContextManager[Stack]:
    seed(sandbox, config_text(via=via))
    return running(sandbox, clock, tmp_path)


def pull_comments(sb: Sandbox, number: int) -> list[str]:
    issue = sb.repo(ORG, ROSTER_REPO).issues[number]
    return [sb.world.comments[c].body for c in issue.comments]


async def test_via_pull_request_opens_one_pull_request_and_updates_it(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path, "pull_request") as stack:
        await install(stack)
        await sandbox.remove_team_member(ORG, "psrt", "dave", sender="alice")
        await settled(stack)
        [pull] = open_pulls(sandbox)
        assert pull.head == t.BRANCH
        issue = sandbox.repo(ORG, ROSTER_REPO).issues[pull.number]
        assert "moved to the emeritus list: @dave" in (issue.body or "")
        assert "dave" not in logins_in(file_text(sandbox, PUBLIC, t.BRANCH))
        assert file_text(sandbox, PUBLIC) == current_list()  # main waits for the merge
        await sandbox.remove_team_member(ORG, "psrt", "erin", sender="alice")
        await settled(stack)
        assert [p.number for p in open_pulls(sandbox)] == [pull.number]
        assert logins_in(file_text(sandbox, EMERITUS, t.BRANCH)) == ["dave", "erin", "oscar"]
        assert "@dave, @erin" in pull_comments(sandbox, pull.number)[-1]
        commits = roster_commits(sandbox, t.BRANCH)
        clock.advance(86400)
        assert await stack.scheduler.run_job("roster")
        assert roster_commits(sandbox, t.BRANCH) == commits  # unchanged: no new push
        assert len(pull_comments(sandbox, pull.number)) == 1


async def test_pull_request_shows_pending_invitations_as_pending_and_does_not_list_them(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path, "pull_request") as stack:
        installation_id = await install(stack)
        await expect_membership(stack.ctx, installation_id, ORG, "psrt", "ivan", "added", "vote")
        state = await sandbox.add_team_member(ORG, "psrt", "ivan", sender=sandbox.bot_login)
        assert state == "pending"  # ivan is not in the organisation yet
        await sandbox.remove_team_member(ORG, "psrt", "dave", sender="alice")
        await settled(stack)
        [pull] = open_pulls(sandbox)
        body = sandbox.repo(ORG, ROSTER_REPO).issues[pull.number].body or ""
        assert "- invited, not listed until they accept: @ivan" in body.splitlines()
        assert "ivan" not in file_text(sandbox, PUBLIC, t.BRANCH)


async def test_stale_pull_request_is_closed_when_main_already_matches_the_team(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path, "pull_request") as stack:
        installation_id = await install(stack)
        await sandbox.remove_team_member(ORG, "psrt", "dave", sender="alice")
        await settled(stack)
        [pull] = open_pulls(sandbox)
        await expect_membership(stack.ctx, installation_id, ORG, "psrt", "dave", "added", "vote")
        await sandbox.add_team_member(ORG, "psrt", "dave", sender=sandbox.bot_login)
        await settled(stack)
        assert open_pulls(sandbox) == []
        assert pull_comments(sandbox, pull.number)[-1] == t.PULL_STALE_COMMENT


async def test_via_commit_writes_each_changed_file_once_and_nothing_when_unchanged(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path, "commit") as stack:
        await install(stack)
        await sandbox.remove_team_member(ORG, "psrt", "dave", sender="alice")
        await settled(stack)
        assert roster_commits(sandbox) == 2  # the public list, then the emeritus list
        message = (
            sandbox.repo(ORG, ROSTER_REPO)
            .commits[sandbox.repo(ORG, ROSTER_REPO).branches["main"]]
            .message
        )
        assert message.startswith("Roster: follow @python/psrt")
        clock.advance(86400)
        assert await stack.scheduler.run_job("roster")
        assert roster_commits(sandbox) == 2
        assert open_pulls(sandbox) == []


async def test_stale_sha_is_retried_on_fresh_content(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone edits the list between Warden's read and its write: GitHub answers 409,
    Warden reads again and writes on top of the edit."""
    async with started(sandbox, clock, tmp_path, "commit") as stack:
        await install(stack)
        real_read, calls = sync.read_lists, []

        async def read_then_someone_edits(*args: Any, **kwargs: Any) -> Any:
            lists = await real_read(*args, **kwargs)
            calls.append(lists)
            if len(calls) == 1:
                edited = file_text(sandbox, PUBLIC).replace("Bob Brown", "Robert Brown")
                repo = sandbox.repo(ORG, ROSTER_REPO)
                actions_repo.push(sandbox.core, repo, "main", {PUBLIC: edited}, "alice")
            return lists

        monkeypatch.setattr(sync, "read_lists", read_then_someone_edits)
        await sandbox.remove_team_member(ORG, "psrt", "dave", sender="alice")
        await settled(stack)
        assert sandbox.count("PUT", status=409) == 1
        assert len(calls) == 2
        public = file_text(sandbox, PUBLIC)
        assert "Robert Brown,bob," in public.splitlines()  # the edit is kept
        assert "dave" not in logins_in(public)
        assert "dave" in logins_in(file_text(sandbox, EMERITUS))


async def test_reconcile_with_nothing_to_change_costs_only_conditional_reads(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path, "pull_request") as stack:
        installation_id = await install(stack)
        clock.advance(86400)
        assert await stack.scheduler.run_job("roster")  # warms the ETag cache
        sandbox.reset_recording()
        before = sandbox.rate_limit_remaining(installation_id)
        clock.advance(86400)
        assert await stack.scheduler.run_job("roster")
        ours = [r for r in sandbox.requests if r.installation_id == installation_id]
        for r in ours:
            print(r.method, r.path, r.query, r.status)
        statuses = Counter(r.status for r in ours)
        writes = [r for r in ours if r.method != "GET"]
        print(f"\nunchanged reconcile: {len(ours)} requests, by status {dict(statuses)}")
        print(f"primary rate limit used: {before - sandbox.rate_limit_remaining(installation_id)}")
        assert writes == []
        assert ours and set(statuses) == {304}  # every read answered "not modified"
        assert sandbox.rate_limit_remaining(installation_id) == before


async def test_dry_run_prints_the_difference_and_changes_nothing(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    async with started(sandbox, clock, tmp_path, "commit") as stack:
        await install(stack)
        url, sandbox.webhook_url = sandbox.webhook_url, None
        await sandbox.remove_team_member(ORG, "psrt", "dave", sender="alice")
        await sandbox.add_team_member(ORG, "psrt", "ivan", sender="alice")  # invited
        sandbox.webhook_url = url
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "DATABASE_"))}
        env.update(
            GITHUB_APP_ID=str(sandbox.app_id),
            GITHUB_PRIVATE_KEY=sandbox.private_key_pem,
            GITHUB_WEBHOOK_SECRET=sandbox.webhook_secret,
            GITHUB_API_URL=sandbox.url,
            DATABASE_URL=f"sqlite:///{tmp_path / 'warden.sqlite3'}",
            PYTHONPATH=str(ROOT),
            LOG_LEVEL="error",
        )
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "app", "roster", ORG, "--dry-run",
            env=env, cwd=tmp_path, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 0, err.decode()
        lines = out.decode().splitlines()
        assert lines[0].startswith("team @python/psrt: 7 members, admins: @alice, @grace")
        assert "would change, by a commit:" in lines[1]
        assert "- moved to the emeritus list: @dave" in lines
        assert "- invited, not listed until they accept: @ivan" in lines
        assert roster_commits(sandbox) == 0


async def test_dry_run_output_golden(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What `roster ORG --dry-run` prints: the team, what would change and how, pending
    invitations, and the diff of each list file."""
    async with started(sandbox, clock, tmp_path, "pull_request") as stack:
        await install(stack)
        url, sandbox.webhook_url = sandbox.webhook_url, None
        await sandbox.remove_team_member(ORG, "psrt", "dave", sender="alice")
        await sandbox.add_team_member(ORG, "psrt", "ivan", sender="alice")  # invited
        await sandbox.add_team_member(ORG, "release-managers", "erin", sender="alice")
        sandbox.webhook_url = url
        sandbox.reset_recording()
        assert await roster_command(stack.ctx, ORG, dry_run=True) == 0
        out = capsys.readouterr().out.replace(clock.now().date().isoformat(), "YYYY-MM-DD")
        assert_golden("roster-dry-run.txt", out)
        assert [r for r in sandbox.requests if r.method != "GET"] == []


async def test_markdown_lists_are_kept_as_markdown_tables(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    config = (
        config_text(extra="").replace("psrt.csv", "psrt.md").replace("emeritus.csv", "emeritus.md")
    )
    config += "  format: markdown\n"
    seed(sandbox, config)
    intro = "# PSRT members\n\nThe Python Security Response Team.\n\n"
    table = render_list([row(login) for login in MAINTAINERS + MEMBERS], "markdown")
    await sandbox.push(
        ORG, ROSTER_REPO, "main", {"security/psrt.md": intro + table}, sender="alice"
    )
    async with running(sandbox, clock, tmp_path) as stack:
        await install(stack)
        assert roster_commits(sandbox) == 1  # only the push above: the list was right
        await sandbox.remove_team_member(ORG, "psrt", "heidi", sender="alice")
        await settled(stack)
        public = file_text(sandbox, "security/psrt.md")
        assert public.startswith(
            intro + "| Name | GitHub username | Notes |\n| --- | --- | --- |\n"
        )
        assert "heidi" not in public
        emeritus = file_text(sandbox, "security/psrt-emeritus.md")
        assert f"| Heidi Hall | heidi | Left {clock.now().date().isoformat()} |" in emeritus


async def test_roster_command_reconciles_now_and_refuses_an_org_without_the_app(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    async with started(sandbox, clock, tmp_path, "commit") as stack:
        await install(stack)
        url, sandbox.webhook_url = sandbox.webhook_url, None
        await sandbox.remove_team_member(ORG, "psrt", "dave", sender="alice")
        sandbox.webhook_url = url
        assert await roster_command(stack.ctx, "Python", dry_run=False) == 0
        assert "roster of python: written" in capsys.readouterr().out
        assert "dave" in logins_in(file_text(sandbox, EMERITUS))
        assert await roster_command(stack.ctx, "nosuchorg", dry_run=True) == 1
        assert "not installed on nosuchorg" in capsys.readouterr().err
