"""`/vote` and `/veto`: each refusal is one line that says why, and nothing changes."""

from __future__ import annotations

from pathlib import Path

from app.platform.clock import Clock
from sandbox import Sandbox
from tests.harness import running
from tests.nomination_world import (
    DAY,
    GOV,
    ORG,
    VETO_CONFIG,
    command,
    nominate,
    react,
    replies_to,
    seed,
    stored,
    sweep,
    vote_comment,
)

BAD_EXTENSIONS = {
    "/vote extend": "the duration is empty",
    "/vote extend 3": "`3` has no unit; write it like 3d (days) or 3h",
    "/vote extend -1d": "`-1d` is negative",
    "/vote extend 0d": "`0d` is zero",
    "/vote extend 3 days": "`3 days` is not a duration",
    "/vote extend 4000d": "`4000d` is longer than ten years",
}


async def test_vote_extend_with_a_bad_duration_says_why_and_changes_nothing(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        before = await stored(stack, installation_id, number)
        body = vote_comment(sandbox, number).body
        for line in BAD_EXTENSIONS:
            await command(stack, number, "alice", line)
        replies = replies_to(sandbox, number, "alice")
        assert len(replies) == len(BAD_EXTENSIONS)
        for reply, reason in zip(replies, BAD_EXTENSIONS.values(), strict=True):
            assert reason in reply and reply.endswith("as in `/vote extend 3d`; nothing was done.")
            assert "\n" not in reply
        assert (await stored(stack, installation_id, number)).deadline == before.deadline
        assert vote_comment(sandbox, number).body == body
        kinds = [e.kind for e in await stack.ctx.store.audit_entries(f"{ORG}/{GOV}#{number}")]
        assert kinds == ["vote.opened"]


async def test_veto_outside_its_window_or_without_a_veto_team_is_refused(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox, VETO_CONFIG)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        await command(stack, number, "guido", "/veto")
        react(sandbox, number, alice="+1", bob="+1", carol="+1", dave="+1", erin="+1")
        await sweep(stack)
        clock.advance(7 * DAY + 60)
        await command(stack, number, "guido", "/veto")  # before the sweep admits her
        await sweep(stack)
        await command(stack, number, "guido", "/veto")  # after
        still_open, *ended = replies_to(sandbox, number, "guido")
        assert still_open == (
            "@guido: the vote is still open: a veto is possible only after it passes; "
            "nothing was done."
        )
        assert len(ended) == 2
        assert all("the veto window ended on " in r and "nothing was done" in r for r in ended)
        assert (await stored(stack, installation_id, number)).state == "passed"
        assert "grace" in sandbox.world.team(ORG, "psrt").invitations


async def test_veto_where_no_veto_team_is_configured_is_refused(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        await command(stack, number, "guido", "/veto")
        assert replies_to(sandbox, number, "guido") == [
            "@guido: no veto applies to this vote; nothing was done."
        ]
        assert (await stored(stack, installation_id, number)).state == "open"


async def test_cancel_and_extend_of_a_closed_vote_are_refused(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox, VETO_CONFIG)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        react(sandbox, number, alice="+1", bob="+1", carol="+1", dave="+1", erin="+1")
        await sweep(stack)  # passed, veto window open
        await command(stack, number, "alice", "/vote extend 3d")
        await command(stack, number, "alice", "/vote cancel")
        expected = "@alice: this vote is already closed (passed, in its veto window); "
        assert replies_to(sandbox, number, "alice") == [expected + "nothing was done."] * 2
        assert (await stored(stack, installation_id, number)).state == "veto"


async def test_vote_without_a_known_action_lists_the_vote_commands(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        await command(stack, number, "carol", "/vote")
        await command(stack, number, "carol", "/veto")
        bare, veto = replies_to(sandbox, number, "carol")
        assert bare == (
            "@carol: `/vote` is not a vote command; use `/vote status`, `/vote cancel` or "
            "`/vote extend DURATION` (for example `/vote extend 3d`)."
        )
        assert veto == "@carol: no veto applies to this vote; nothing was done."


async def test_vote_and_veto_on_an_issue_without_a_vote_get_one_line_each(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await sandbox.open_issue(ORG, GOV, "bob", "Meeting notes")
        await command(stack, number, "bob", "/vote cancel\n/veto")
        assert replies_to(sandbox, number, "bob") == [
            "@bob: `/vote` works only on a nomination or removal issue with a vote; "
            "nothing was done.",
            "@bob: `/veto` works only on a nomination or removal issue with a vote; "
            "nothing was done.",
        ]
