"""The PSRT world for advisory tests: members, a release manager, a config, helpers."""

from __future__ import annotations

from typing import Any

from app.features.advisories import templates as t
from app.features.advisories.sweep import sweep_installation
from app.features.orgconfig import CONFIG_PATH
from sandbox import Sandbox
from sandbox.state import Advisory, Issue
from sandbox.testing import seed_psrt
from tests.harness import Stack

ORG, GOV, CPY = "python", "psrt-governance", "cpython"
DAY = 86400.0
CONFIG = """\
team: psrt
governance_repo: psrt-governance
advisories:
  coordinator: {assign_after: 3d, exclude_teams: [release-managers]}
  experts: {"Lib/tarfile.py": [erin]}
"""


def seed(sb: Sandbox, config: str = CONFIG) -> int:
    """python/psrt: alice (maintainer), bob, carol, dave (release manager); erin outside;
    reporter mallory; a private governance repo and a public cpython."""
    installation_id = seed_psrt(sb)
    for login in ("erin", "mallory", "frank"):
        sb.add_user(login)
    sb.add_team(ORG, "release-managers", members=["dave"])
    for login in ("carol", "dave"):
        sb.core.world.team(ORG, "psrt").members[login] = "member"
    sb.add_repo(ORG, ".github", files={CONFIG_PATH: config})
    return installation_id


async def settled(stack: Stack) -> None:
    """Every delivery processed, none failed."""
    await stack.idle()
    counts = await stack.ctx.store.count_deliveries()
    assert counts.get("failed", 0) == 0, await stack.ctx.store.list_deliveries("failed")


async def report(stack: Stack, summary: str = "tarfile: path traversal", **kw: Any) -> str:
    ghsa = await stack.sb.report_advisory(
        ORG, CPY, "mallory", summary, description="SECRET-DETAILS exploit", **kw
    )
    await settled(stack)
    return ghsa


async def sweep(stack: Stack, installation_id: int) -> int:
    return await sweep_installation(stack.installation(installation_id, ORG), force=True)


def advisory(sb: Sandbox, ghsa: str, repo: str = CPY) -> Advisory:
    return sb.core.world.advisory(sb.repo(ORG, repo), ghsa)


def tracking_issue(sb: Sandbox, ghsa: str) -> Issue:
    found = [i for i in sb.repo(ORG, GOV).issues.values() if t.marker(ghsa) in i.body]
    assert len(found) == 1, found
    return found[0]


def tracking_issues(sb: Sandbox) -> list[Issue]:
    """Every advisory tracking issue in the governance repository (other features post
    there too, such as roster alerts)."""
    return [i for i in sb.repo(ORG, GOV).issues.values() if t.LABEL in i.labels]


def comments(sb: Sandbox, issue: Issue) -> list[str]:
    """Warden's comments on ``issue``, oldest first."""
    found = [sb.core.world.comments[c] for c in issue.comments]
    return [c.body for c in found if c.user == sb.bot_login]


def writes(sb: Sandbox) -> list[str]:
    return [f"{r.method} {r.path}" for r in sb.requests if r.method != "GET"]
