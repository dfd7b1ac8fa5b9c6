"""Experts: owners of the files changed in the private fork are added once, and named."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from gidgethub import sansio

from app.features.advisories.entry import on_fork_pull_request
from app.platform.clock import Clock
from sandbox import Sandbox
from tests.advisory_world import (
    CONFIG,
    CPY,
    ORG,
    advisory,
    comments,
    report,
    seed,
    sweep,
    tracking_issue,
    writes,
)
from tests.harness import running

CODEOWNERS = """\
*                  @alice
Lib/               @python/release-managers
/Lib/tarfile.py    @frank
"""


async def test_owners_of_files_changed_in_the_private_fork_become_collaborators_once(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)  # config experts: Lib/tarfile.py -> erin
    await sandbox.push(ORG, CPY, "main", {".github/CODEOWNERS": CODEOWNERS}, sender="alice")
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack, summary="[ACCEPT] tarfile: path traversal")
        fork = advisory(sandbox, ghsa).private_fork
        assert fork is not None
        fork_name = fork.split("/")[1]
        files = {"Lib/tarfile.py": "# fixed\n", "Doc/library/tarfile.rst": "doc\n"}
        await sandbox.open_pull_request(ORG, fork_name, "bob", "Fix", "fix", files=files)
        await sweep(stack, installation_id)
        adv = advisory(sandbox, ghsa)
        assert adv.collaborating_users == ["alice", "erin", "frank"]  # tarfile.py: last rule
        assert adv.collaborating_teams == ["psrt"]
        issue = tracking_issue(sandbox, ghsa)
        assert "`@alice`, `@erin`, `@frank`" in comments(sandbox, issue)[-1]
        assert "| Experts | `@alice`, `@erin`, `@frank` |" in (issue.body or "")
        sandbox.reset_recording()
        await sweep(stack, installation_id)
        assert writes(sandbox) == []
        more = {"Lib/zipfile.py": "# also\n"}
        await sandbox.open_pull_request(ORG, fork_name, "bob", "More", "more", files=more)
        await sweep(stack, installation_id)
        assert advisory(sandbox, ghsa).collaborating_teams == ["psrt", "release-managers"]
        assert "`@python/release-managers`" in comments(sandbox, issue)[-1]
        assert len(comments(sandbox, issue)) == 2


async def test_a_pull_request_event_from_the_fork_adds_experts_at_once(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack, summary="[ACCEPT] tarfile: path traversal")
        fork_name = (advisory(sandbox, ghsa).private_fork or "").split("/")[1]
        files = {"Lib/tarfile.py": "# fixed\n"}
        await sandbox.open_pull_request(ORG, fork_name, "bob", "Fix", "fix", files=files)
        inst = stack.installation(installation_id, ORG)
        event = sansio.Event(
            {
                "action": "opened",
                "installation": {"id": installation_id},
                "repository": {"name": fork_name, "private": True, "owner": {"login": ORG}},
            },
            event="pull_request",
            delivery_id="fork-pull-1",
        )
        await on_fork_pull_request(event, inst)
        assert advisory(sandbox, ghsa).collaborating_users == ["erin"]
        lookalike = sansio.Event(
            {
                **event.data,
                "repository": {**event.data["repository"], "name": "x-ghsa-2222-2222-2222"},
            },
            event="pull_request",
            delivery_id="fork-pull-2",
        )
        await on_fork_pull_request(lookalike, inst)  # a 404: nothing, no error


BROKEN_CODEOWNERS = """\
# a line GitHub flags (and skips), an owner who is no user, a team that does not exist
Lib/[unclosed      @alice
Lib/tarfile.py     @ghost-of-nobody @frank
Lib/zipfile.py     @python/no-such-team @erin
"""


async def test_owners_github_refuses_do_not_keep_the_others_out_and_are_not_asked_again(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox, CONFIG.replace('"Lib/tarfile.py": [erin]', ""))
    await sandbox.push(ORG, CPY, "main", {"CODEOWNERS": BROKEN_CODEOWNERS}, sender="alice")
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack, summary="[ACCEPT] tarfile: path traversal")
        fork = advisory(sandbox, ghsa).private_fork
        assert fork is not None
        files = {"Lib/tarfile.py": "# fixed\n", "Lib/zipfile.py": "# fixed\n"}
        await sandbox.open_pull_request(ORG, fork.split("/")[1], "bob", "Fix", "fix", files=files)
        await sweep(stack, installation_id)
        adv = advisory(sandbox, ghsa)
        assert adv.collaborating_users == ["erin", "frank"]  # erin is no org member: allowed
        assert adv.collaborating_teams == ["psrt"]
        said = comments(sandbox, tracking_issue(sandbox, ghsa))[-1]
        assert "`@erin`, `@frank`" in said and "ghost" not in said and "no-such" not in said
        sandbox.reset_recording()
        await sweep(stack, installation_id)
        assert writes(sandbox) == []


async def test_a_fix_changing_more_files_than_github_lists_is_read_to_githubs_cap_with_a_warning(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    installation_id = seed(sandbox)  # config experts: Lib/tarfile.py -> erin
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack, summary="[ACCEPT] tarfile: path traversal")
        fork = advisory(sandbox, ghsa).private_fork
        assert fork is not None
        files = {f"Doc/{n:04d}.rst": "doc\n" for n in range(3000)} | {"Lib/tarfile.py": "# fix\n"}
        await sandbox.open_pull_request(ORG, fork.split("/")[1], "bob", "Big", "big", files=files)
        with caplog.at_level(logging.WARNING):
            await sweep(stack, installation_id)
        assert "changes more files than GitHub lists (3000)" in caplog.text
        listed = sandbox.count("GET", f"/repos/{fork}/pulls/1/files")
        assert listed == 30  # 3000 files, 100 a page; Lib/tarfile.py sorts after Doc/ and is cut
        assert advisory(sandbox, ghsa).collaborating_users == []
