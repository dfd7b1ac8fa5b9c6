"""The ``warden/setup`` issue: one per organisation, listing each missing thing and its fix."""

from __future__ import annotations

from collections.abc import Sequence

from app.features.setup.rules import Problem
from app.github import labels

LABEL = labels.SETUP
MARKER = "<!-- warden:setup -->"
TITLE = "Warden setup: what is missing"
NO_ADVISORIES = (
    "This GitHub has no repository security advisories API (GitHub Enterprise Server): the "
    "advisory features are off for this installation; nominations, votes and the roster work."
)


def things(count: int) -> str:
    return "1 thing" if count == 1 else f"{count} things"


def body(org: str, problems: Sequence[Problem], advisories_api: bool) -> str:
    """The issue's text: a checklist an admin works down."""
    lines = [
        MARKER,
        f"Warden checked its installation on **{org}** and found {things(len(problems))} "
        "to fix before it can do its work:",
        "",
    ]
    for problem in problems:
        lines += [f"- [ ] {problem.what}", f"  **Fix:** {problem.fix}"]
    if not advisories_api:
        lines += ["", f"> {NO_ADVISORIES}"]
    lines += [
        "",
        "Warden checks again when it is installed on more repositories and when an operator "
        f"runs `python -m app check {org}`; this issue closes by itself once everything passes.",
    ]
    return "\n".join(lines)


def fixed_comment() -> str:
    return "Warden checked again: everything it needs is in place now. Closing."


def summary(org: str, problems: Sequence[Problem], advisories_api: bool) -> list[str]:
    """What ``python -m app check ORG`` prints."""
    head = (
        f"{org}: all checks pass"
        if not problems
        else f"{org}: {things(len(problems))} to fix (listed in the {LABEL} issue):"
    )
    lines = [head]
    for problem in problems:
        lines += [f"  - {problem.what}", f"    fix: {problem.fix}"]
    if not advisories_api:
        lines.append(f"{org}: {NO_ADVISORIES}")
    return lines
