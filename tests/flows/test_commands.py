"""Comment commands: which lines are commands, and the reply to one Warden does not know."""

from __future__ import annotations

from pathlib import Path

from app.intake.commands import Command, has_known_command, parse_commands, unknown_reply
from app.platform.clock import Clock
from app.wiring import WIRING
from sandbox import Sandbox
from tests.flows.test_orgconfig import GOOD, ORG, seed, settled
from tests.harness import running
from tests.unit.test_orgconfig_templates import assert_golden


def test_command_lines_are_found_with_their_arguments() -> None:
    body = "Thanks!\n/vote extend 3d\n  /expert @alice\nnot /a command"
    assert parse_commands(body) == [
        Command("vote", ("extend", "3d"), "/vote extend 3d"),
        Command("expert", ("@alice",), "/expert @alice"),
    ]


def test_lines_in_code_blocks_and_quotes_are_not_commands() -> None:
    body = "```\n/vote cancel\n```\n> /veto\n~~~\n/resign\n~~~"
    assert parse_commands(body) == []
    assert not has_known_command(body)


def test_command_names_are_case_insensitive_and_unbalanced_quotes_still_parse() -> None:
    [command] = parse_commands('/Credit @bob "finder')
    assert command.name == "credit" and command.args == ("@bob", '"finder')


async def test_unknown_command_in_the_governance_repo_gets_one_reply_and_changes_nothing(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox, GOOD)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await sandbox.open_issue(ORG, "psrt-governance", "bob", "Question")
        await sandbox.comment(ORG, "psrt-governance", number, "bob", "/frobnicate now")
        await settled(stack)
        issue = sandbox.world.issue(sandbox.repo(ORG, "psrt-governance"), number)
        comments = [sandbox.world.comments[i] for i in issue.comments]
        replies = [c for c in comments if c.user != "bob"]
        assert len(replies) == 1
        assert "`/frobnicate` is not a Warden command" in replies[0].body
        assert issue.labels == [] and issue.state == "open"


async def test_slash_lines_outside_the_governance_repo_are_prose(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox, GOOD)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await sandbox.open_issue(ORG, "cpython", "carol", "Crash")
        await sandbox.comment(ORG, "cpython", number, "carol", "/usr/lib/python3 is missing")
        await settled(stack)
        issue = sandbox.world.issue(sandbox.repo(ORG, "cpython"), number)
        assert [sandbox.world.comments[i].user for i in issue.comments] == ["carol"]


def test_reply_to_an_unknown_command_lists_the_known_ones_and_matches_golden() -> None:
    text = unknown_reply(Command("vot", ("status",), "/vot status"), WIRING.commands)
    assert_golden("command-unknown.md", text + "\n")
