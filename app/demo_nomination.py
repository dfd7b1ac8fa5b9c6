"""The demo's nomination scenes: a member nominates, the team votes with reactions, Warden
counts on its sweep, admits the nominee and opens the onboarding issue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.server import RUNNING

if TYPE_CHECKING:
    from app.demo import Demo

GOV = "psrt-governance"


async def play_nomination(demo: Demo, org: str) -> list[tuple[bool, str]]:
    """Play the scenes; return (passed, what failed) checks for the demo's verdict."""
    sb = demo.sb
    numbers: list[int] = []

    async def nominate() -> None:
        body = "Nominee: @carol\n\nCarol fixed three tarfile reports this year."
        labels = ["warden/nomination"]
        numbers.append(await sb.open_issue(org, GOV, "bob", "Nominate carol", body, labels))

    await demo.act("5. Bob, a member, nominates carol", nominate)

    async def vote() -> None:
        repo = sb.repo(org, GOV)
        [comment_id] = [
            c for c in repo.issues[numbers[0]].comments if sb.world.comments[c].user != "bob"
        ]
        for voter in ("alice", "bob"):
            sb.react(org, GOV, comment_id, voter, "+1")
        demo.say("  alice and bob react 👍 on the vote comment (GitHub sends no webhook for that)")
        assert demo.runner is not None
        scheduler = demo.runner.app[RUNNING].scheduler
        assert scheduler is not None
        await scheduler.run_job("votes")  # what the scheduler does every 10 minutes

    await demo.act("6. The team votes; Warden's `votes` sweep counts and closes", vote)
    repo = sb.repo(org, GOV)
    invited = "carol" in sb.world.team(org, "psrt").invitations
    onboarding = [i for i in repo.issues.values() if "warden/onboarding" in i.labels]
    return [
        (invited, "the nominee was not added to the team after the vote passed"),
        (len(onboarding) == 1, "no onboarding issue was opened"),
        (repo.issues[numbers[0]].state == "closed", "the nomination was not closed"),
    ]
