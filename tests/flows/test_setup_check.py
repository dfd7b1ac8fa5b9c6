"""The installation check end to end: each missing thing named in one `warden/setup` issue
with its fix, the issue updated and closed when fixed, and GHES said in one line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.features.setup import issue as texts
from app.features.setup.check import check_installation
from app.org import Installation
from app.platform.clock import Clock
from sandbox import Sandbox
from tests.harness import Stack, running

ORG = "python"
CONFIG = (
    "team: psrt\ngovernance_repo: psrt-governance\nadmins: security-admins\n"
    "roster: {repo: devguide, path: security/psrt.csv}\n"
)
GRANTED_TOO_LITTLE = {"metadata": "read", "contents": "write", "issues": "write", "checks": "write",
                      "pull_requests": "read", "repository_advisories": "write"}  # fmt: skip


def seed_broken(sb: Sandbox, config: str = CONFIG) -> None:
    """An org where the config names a missing team, admin team and roster repo, and the
    governance repo is public."""
    for login in ("alice", "bob"):
        sb.add_user(login)
    sb.add_org(ORG, admins=["alice"])
    sb.add_repo(ORG, "psrt-governance", private=False)
    sb.add_repo(ORG, ".github", files={".github/warden.yml": config})


def setup_issues(sb: Sandbox) -> list[Any]:
    return [i for i in sb.repo(ORG, ".github").issues.values() if texts.LABEL in i.labels]


def installation(stack: Stack, installation_id: int) -> Installation:
    gh = stack.ctx.github.installation_client(installation_id)  # type: ignore[union-attr]
    return Installation(stack.ctx, gh, installation_id, ORG)


async def settled(stack: Stack) -> None:
    await stack.idle()
    assert await stack.ctx.store.list_deliveries("failed") == []


async def test_each_missing_thing_is_named_with_its_fix_in_one_setup_issue(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed_broken(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        installation_id = sandbox.install(ORG, notify=True)
        sandbox.world.installations[installation_id].permissions = GRANTED_TOO_LITTLE
        await settled(stack)
        [issue] = setup_issues(sandbox)
        body = issue.body or ""
        assert issue.title == "Warden setup: what is missing" and issue.state == "open"
        assert "found 6 things to fix" in body
        for missing in (
            "- [ ] The member team `psrt` does not exist in python.",
            "- [ ] The admin team `security-admins` does not exist in python.",
            "- [ ] The governance repository `psrt-governance` is public;",
            "- [ ] The roster repository `devguide` (for `security/psrt.csv`) does not exist",
            "- [ ] The app has none access to *members*; Warden needs write.",
            "- [ ] The app has read access to *pull requests*; Warden needs write.",
        ):
            assert missing in body, missing
        assert body.count("**Fix:**") == 6
        assert "Create it (organisation → Teams → New team)" in body


async def test_the_setup_issue_is_updated_then_closed_when_everything_passes(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed_broken(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        installation_id = sandbox.install(ORG, notify=True)
        await settled(stack)
        [issue] = setup_issues(sandbox)
        sandbox.add_team(ORG, "psrt", maintainers=["alice", "bob"])
        sandbox.add_team(ORG, "security-admins", members=["alice", "bob"])
        sandbox.repo(ORG, "psrt-governance").private = True
        await sandbox.add_installation_repos(ORG, ["psrt-governance"])
        await settled(stack)
        assert setup_issues(sandbox) == [issue] and "found 1 thing to fix" in (issue.body or "")
        assert "`devguide`" in (issue.body or "") and "`psrt`" not in (issue.body or "")
        sandbox.add_repo(ORG, "devguide", files={"security/psrt.csv": "Name,GitHub username\n"})
        await sandbox.add_installation_repos(ORG, ["devguide"])
        await settled(stack)
        assert issue.state == "closed" and issue.state_reason == "completed"
        closing = sandbox.world.comments[issue.comments[-1]].body
        assert closing == "Warden checked again: everything it needs is in place now. Closing."
        gh = stack.ctx.github.installation_client(installation_id)  # type: ignore[union-attr]
        again = await check_installation(
            Installation(stack.ctx, gh, installation_id, ORG), reload=True
        )
        assert again.problems == () and again.issue is None  # nothing to reopen or close


async def test_a_missing_config_is_the_one_thing_to_fix(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    sandbox.add_user("alice")
    sandbox.add_org(ORG, admins=["alice"])
    sandbox.add_repo(ORG, ".github", files={"README.md": "profile\n"})
    async with running(sandbox, clock, tmp_path) as stack:
        sandbox.install(ORG, notify=True)
        await settled(stack)
        [issue] = setup_issues(sandbox)
        assert "- [ ] `.github/warden.yml` is missing from `python/.github`." in (issue.body or "")
        assert "found 1 thing to fix" in (issue.body or "")


async def test_ghes_without_the_advisories_api_switches_advisories_off_in_one_line(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, caplog: Any
) -> None:
    seed_broken(sandbox)
    sandbox.add_team(ORG, "psrt", maintainers=["alice", "bob"])
    sandbox.add_team(ORG, "security-admins", members=["alice"])
    sandbox.repo(ORG, "psrt-governance").private = True
    sandbox.add_repo(ORG, "devguide")
    async with running(sandbox, clock, tmp_path) as stack:
        installation_id = sandbox.install(ORG)
        sandbox.faults.add("GET", r"/security-advisories", status=404, times=10)
        gh = stack.ctx.github.installation_client(installation_id)  # type: ignore[union-attr]
        result = await check_installation(
            Installation(stack.ctx, gh, installation_id, ORG), reload=True
        )
        assert result.problems == () and result.advisories_api is False
        assert setup_issues(sandbox) == []
        lines = [r.getMessage() for r in caplog.records if "advisories API" in r.getMessage()]
        assert lines == [f"{ORG}: {texts.NO_ADVISORIES}"]
        assert texts.summary(ORG, (), False) == [
            f"{ORG}: all checks pass",
            f"{ORG}: {texts.NO_ADVISORIES}",
        ]
        swept = await stack.ctx.store.fetchrow(
            "SELECT unsupported_at FROM advisory_sweeps WHERE installation_id = ?", installation_id
        )
        assert swept is not None and swept["unsupported_at"] is not None  # the sweep is off


async def test_a_downstream_repository_warden_cannot_open_issues_in_is_named_before_publication(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    downstream = "advisories: {publish: {downstream: [acme/distro-security, python/notices]}}\n"
    seed_broken(sandbox, CONFIG + downstream)
    sandbox.add_team(ORG, "psrt", maintainers=["alice", "bob"])
    sandbox.add_team(ORG, "security-admins", members=["alice", "bob"])
    sandbox.repo(ORG, "psrt-governance").private = True
    sandbox.add_repo(ORG, "devguide", files={"security/psrt.csv": "Name,GitHub username\n"})
    sandbox.add_org("acme", admins=["bob"])
    sandbox.add_repo("acme", "distro-security")
    async with running(sandbox, clock, tmp_path) as stack:
        installation_id = sandbox.install(ORG, notify=True)
        await settled(stack)
        [issue] = setup_issues(sandbox)
        body = issue.body or ""
        assert "found 2 things to fix" in body
        for name, owner in (("acme/distro-security", "acme"), ("python/notices", "python")):
            assert f"- [ ] Warden cannot open issues in `{name}`" in body
            assert f"Install the app on `{owner}` with access to `{name}`" in body

        sandbox.install("acme")
        sandbox.add_repo(ORG, "notices")
        again = await check_installation(installation(stack, installation_id), reload=True)
        assert again.problems == ()
        assert issue.state == "closed"
