"""A PEP 811 world in the sandbox for the nomination tests: six members, a steering council,
a private governance repository, the org config, and helpers to nominate and vote."""

from __future__ import annotations

from typing import Any

from app.features.orgconfig import CONFIG_PATH
from app.features.votes import records
from app.features.votes import templates as t
from app.features.votes.records import Vote
from sandbox import Sandbox
from tests.harness import Stack

ORG, GOV = "python", "psrt-governance"
MEMBERS = ("alice", "bob", "carol", "dave", "erin", "frank")
PLAIN_CONFIG = "team: psrt\ngovernance_repo: psrt-governance\n"
#: Most tests watch votes close as soon as they are decided (``min_open: 0s``); the default,
#: open for the whole duration, has its own tests.
CONFIG = PLAIN_CONFIG + "votes:\n  nomination:\n    min_open: 0s\n"
VETO_CONFIG = CONFIG + "    veto: {team: steering-council, window: 7d}\n"
DAY = 86400.0


def seed(sb: Sandbox, config: str = CONFIG) -> int:
    """The world; returns the installation id. alice maintains psrt (an admin); grace and
    heidi are outsiders who may be nominated; mallory is an org member outside the team."""
    for login in (*MEMBERS, "grace", "heidi", "mallory", "guido"):
        sb.add_user(login)
    sb.add_org(ORG, members=["mallory"], admins=["alice"])
    sb.add_team(ORG, "psrt", members=MEMBERS[1:], maintainers=["alice"])
    sb.add_team(ORG, "steering-council", members=["guido"])
    sb.add_repo(ORG, GOV, private=True, files={"README.md": "PSRT\n"})
    sb.add_repo(ORG, ".github", files={CONFIG_PATH: config})
    return sb.install(ORG)


async def settled(stack: Stack) -> None:
    """Wait until Warden processed every delivery, and check that none failed."""
    await stack.idle()
    counts = await stack.ctx.store.count_deliveries()
    assert counts.get("failed", 0) == 0, await stack.ctx.store.list_deliveries("failed")


async def nominate(stack: Stack, by: str = "alice", body: str = "Nominee: @grace") -> int:
    number = await stack.sb.open_issue(
        ORG, GOV, by, "Nomination", body + "\n\nGreat reviews.", labels=[t.NOMINATION]
    )
    await settled(stack)
    return number


def issue(sb: Sandbox, number: int, repo: str = GOV) -> Any:
    return sb.world.issue(sb.repo(ORG, repo), number)


def comments(sb: Sandbox, number: int, by: str | None = None) -> list[Any]:
    found = [sb.world.comments[c] for c in issue(sb, number).comments]
    return [c for c in found if by is None or c.user == by]


def vote_comment(sb: Sandbox, number: int) -> Any:
    [comment] = [c for c in comments(sb, number) if t.vote_marker(number) in c.body]
    return comment


def react(sb: Sandbox, number: int, **by_user: str) -> None:
    """``react(sb, 1, alice="+1", bob="-1 eyes")``: reactions on the vote comment."""
    comment_id = vote_comment(sb, number).id
    for user, contents in by_user.items():
        for content in contents.split():
            sb.react(ORG, GOV, comment_id, user, content)


async def sweep(stack: Stack, *, failing: bool = False) -> None:
    """Run the `votes` job; ``failing``: a vote fails on the way (GitHub refused, a crash),
    and the run says so (as `tick votes` does) after finishing the others."""
    run = await stack.scheduler.run_job("votes")
    assert bool(run) is not failing, run
    await settled(stack)


async def stored(stack: Stack, installation_id: int, number: int) -> Vote:
    vote = await records.find(stack.ctx.store, installation_id, GOV, number)
    assert vote is not None
    return vote


async def command(stack: Stack, number: int, user: str, line: str) -> None:
    await stack.sb.comment(ORG, GOV, number, user, line)
    await settled(stack)


def replies_to(sb: Sandbox, number: int, user: str) -> list[str]:
    return [c.body for c in comments(sb, number, sb.bot_login) if c.body.startswith(f"@{user}:")]
