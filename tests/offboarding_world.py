"""The roster world (team, release managers, public and emeritus lists) with a steering
council and some advisory history, for the offboarding and inactivity tests."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from app.features.offboarding import templates as t
from app.github import labels
from sandbox import Sandbox
from sandbox.actions_advisory import ghsa_id
from sandbox.state import Advisory
from tests import roster_world as rw
from tests.harness import Stack

ORG, GOV = rw.ORG, rw.GOVERNANCE
STEERING = "steering-council"
DAY = 86400.0


def config(action: str = "report", extra: str = "") -> str:
    return rw.config_text(
        note="",
        extra="votes:\n  removal: {voters: steering-council}\n"
        f"inactivity: {{exempt_teams: [release-managers], action: {action}, grace: 14d}}\n" + extra,
    )


def seed(sb: Sandbox, text: str | None = None) -> None:
    rw.seed(sb, text or config())
    sb.add_user("guido", "Guido van Rossum")
    sb.add_team(ORG, STEERING, members=["guido"])


def credit_coordinator(sb: Sandbox, login: str, days_ago: float) -> str:
    """An advisory of the org, worked on ``days_ago``, that credits ``login`` as coordinator."""
    repo = sb.repo(ORG, rw.ROSTER_REPO)
    when = sb.core.now() - timedelta(days=days_ago)
    adv = Advisory(ghsa_id(sb.world.new_id()), "A flaw", "", "high", "heidi", when, when)
    adv.credits.append((login, "coordinator"))
    repo.advisories[adv.ghsa_id.lower()] = adv
    return adv.ghsa_id


async def tracking_issue_with_comment_by(stack: Stack, *logins: str) -> int:
    """An advisory tracking issue in the governance repo, commented on by ``logins``."""
    number = await stack.sb.open_issue(
        ORG, GOV, "alice", "Tracking", "...", labels=[labels.ADVISORY]
    )
    for login in logins:
        await stack.sb.comment(ORG, GOV, number, login, "I can look at this.")
    await rw.settled(stack)
    return number


def issues_labelled(sb: Sandbox, label: str) -> list[Any]:
    return [i for i in sb.repo(ORG, GOV).issues.values() if label in i.labels]


async def removal_vote_on(sb: Sandbox, stack: Stack, login: str) -> Any:
    """@guido (a removal voter) asks for a removal vote on ``login``; the removal issue."""
    number = await sb.open_issue(ORG, GOV, "guido", "Removals", "...")
    await sb.comment(ORG, GOV, number, "guido", f"/removal @{login}")
    await rw.settled(stack)
    [removal] = issues_labelled(sb, labels.REMOVAL)
    return removal


def review_issue(sb: Sandbox) -> Any:
    [found] = issues_labelled(sb, t.INACTIVITY)
    return found


def team(sb: Sandbox, slug: str = "psrt") -> set[str]:
    return set(sb.world.team(ORG, slug).members)


async def inactivity(stack: Stack) -> None:
    assert await stack.scheduler.run_job("inactivity")
    await rw.settled(stack)
