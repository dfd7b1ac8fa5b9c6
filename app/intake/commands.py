"""Comment commands: which lines are commands, what a command handler gets, unknown replies."""

from __future__ import annotations

import re
import shlex
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from app.org import Org

#: The commands SPEC section 4 names; the not-set-up reply recognises all of them.
KNOWN = ("vote", "veto", "resign", "removal", "coordinate", "credit", "expert", "roster")
COMMAND_LINE = re.compile(r"^[ \t]*/([A-Za-z][\w-]*)(.*)$", re.MULTILINE)


@dataclass(frozen=True)
class Command:
    """One command line in a comment: `/vote extend 3d` is name `vote`, args ("extend", "3d")."""

    name: str
    args: tuple[str, ...]
    line: str


@dataclass(frozen=True)
class Invocation:
    """A command and where it was typed (everything a command handler needs besides GitHub)."""

    command: Command
    event: dict[str, Any]  # the issue_comment payload
    org: Org  # where it was typed, with the config in force there

    @property
    def sender(self) -> str:
        return str(self.event["sender"]["login"])

    @property
    def issue(self) -> dict[str, Any]:
        issue: dict[str, Any] = self.event["issue"]
        return issue

    @property
    def repo(self) -> str:
        return str(self.event["repository"]["name"])


CommandHandler = Callable[[Invocation], Awaitable[None]]


def _split(rest: str) -> tuple[str, ...]:
    try:
        return tuple(shlex.split(rest))
    except ValueError:  # an unbalanced quote: fall back to plain words
        return tuple(rest.split())


def parse_commands(body: str | None) -> list[Command]:
    """Every command line of a comment, in order; lines inside code blocks are ignored."""
    commands: list[Command] = []
    fenced = False
    for line in (body or "").splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
            continue
        match = None if fenced else COMMAND_LINE.match(line)
        if match is None:
            continue
        name = match.group(1).lower()
        commands.append(Command(name, _split(match.group(2)), line.strip()))
    return commands


def has_known_command(body: str | None) -> bool:
    """Whether a comment has a line starting with one of Warden's commands."""
    return any(c.name in KNOWN for c in parse_commands(body))


#: The reply, in the governance repository, to a command no feature registered (the name is
#: a word: ``COMMAND_LINE``). Not found again, so no marker.
UNKNOWN_REPLY = (
    "`/{name}` is not a Warden command, so nothing was done. Warden's commands are {known}."
)


def unknown_reply(command: Command, names: Iterable[str]) -> str:
    """The reply to ``command``, listing the command ``names`` this process knows."""
    known = ", ".join(f"`/{name}`" for name in sorted(names))
    return UNKNOWN_REPLY.format(name=command.name, known=known)
