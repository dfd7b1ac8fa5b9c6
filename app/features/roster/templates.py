"""Texts the roster sync writes: commit messages, the pull request, alert issues, replies."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from app.features.roster.listfile import Row
from app.features.roster.rules import RosterDiff
from app.github import labels
from config import WardenConfig

ALERT_LABEL = labels.ROSTER_ALERT
BRANCH = "warden/roster"
PULL_TITLE = "Update the member lists from the team"
PULL_MARKER = "<!-- warden:roster-pull -->"
#: Starts each comment with which Warden closes its own roster pull request.
PULL_CLOSED_MARKER = "<!-- warden:roster-closed -->"
PULL_STALE_COMMENT = (
    f"{PULL_CLOSED_MARKER}\n"
    "The lists on the default branch already match the team, so this pull request is no "
    "longer needed. Closing."
)

PULL_DECLINED_MARKER = "<!-- warden:roster-declined -->"
PULL_DECLINED_COMMENT = (
    f"{PULL_DECLINED_MARKER}\n"
    "This pull request was closed without merging, so Warden does not propose these lists "
    "again; it opens a new pull request when the team changes again."
)
PULL_RETIRED_COMMENT = (
    f"{PULL_CLOSED_MARKER}\n"
    "`.github/warden.yml` no longer keeps the member lists here by pull request "
    "(`roster.repo` or `roster.via` changed, or the `roster` section was removed). Closing."
)


def alert_marker(kind: str, subject: str = "") -> str:
    """The hidden line by which Warden finds its own alert issue of this kind and subject."""
    return f"<!-- warden:roster-alert kind={kind} subject={subject.lower()} -->"


def _mentions(logins: Iterable[str]) -> str:
    return ", ".join(f"@{login}" for login in logins) or "nobody"


def change_lines(diff: RosterDiff, pending: Iterable[str]) -> list[str]:
    """One bullet per kind of change, for commit messages, the pull request and the dry run."""
    lines = []
    if diff.added:
        lines.append(f"- added to the list: {_mentions(diff.added)}")
    if diff.removed:
        lines.append(f"- moved to the emeritus list: {_mentions(diff.removed)}")
    if diff.rejoined:
        lines.append(
            f"- taken off the emeritus list (back in the team): {_mentions(diff.rejoined)}"
        )
    if diff.dropped:
        lines.append(f"- taken off the list (never in the team): {_mentions(diff.dropped)}")
    for old, new in diff.renamed:
        lines.append(f"- renamed on GitHub: @{old} -> @{new}")
    for change in diff.notes_changed:
        before = ", ".join(change.before) or "none"
        after = ", ".join(change.after) or "none"
        lines.append(f"- notes of @{change.login}: {before} -> {after}")
    invited = list(pending)
    if invited:
        lines.append(f"- invited, not listed until they accept: {_mentions(invited)}")
    return lines


def file_diff(path: str, old: str, new: str) -> list[str]:
    """A unified diff of one list file (``[]`` when unchanged), for the dry run."""
    return [
        line.rstrip("\r\n")
        for line in difflib.unified_diff(
            old.splitlines(keepends=True),
            new.splitlines(keepends=True),
            f"a/{path}",
            f"b/{path}",
        )
    ]


def commit_message(org: str, team: str, diff: RosterDiff) -> str:
    body = "\n".join(change_lines(diff, ()))
    return f"Roster: follow @{org}/{team}\n\n{body}\n"


def pull_body(org: str, team: str, diff: RosterDiff, pending: Iterable[str]) -> str:
    lines = "\n".join(change_lines(diff, pending))
    return (
        f"{PULL_MARKER}\n"
        f"The GitHub team @{org}/{team} is the canonical member list; this brings the public "
        f"list and the emeritus list in line with it.\n\n{lines}\n\n"
        f"Warden updates this pull request while it is open; merge it to publish the lists."
    )


def pull_update_comment(diff: RosterDiff, pending: Iterable[str]) -> str:
    lines = "\n".join(change_lines(diff, pending))
    return f"{PULL_MARKER}\nThe team changed again; this pull request now makes:\n\n{lines}"


def unauthorised_alert(
    org: str, team: str, login: str, sender: str | None, removed: bool, kept: str | None = None
) -> tuple[str, str]:
    """(title, body) of the alert for someone added to the team without a passed vote
    (``kept``: why `roster.enforce` did not remove them, e.g. ``admin``)."""
    who = (
        f"@{sender} added them"
        if sender
        else "GitHub did not say who added them (found by the scheduled reconcile)"
    )
    if removed:
        outcome = "Warden removed them again (`roster.enforce: true`)."
    elif kept == "admin":
        outcome = (
            "They are an admin, so Warden did not remove them (`roster.enforce` never removes "
            "an admin). Remove them from the team if this was a mistake."
        )
    else:
        outcome = (
            "They stay in the team and on the public list; remove them from the team if "
            "this was a mistake. (`roster.enforce: true` would have removed them.)"
        )
    body = (
        f"{alert_marker('unauthorised', login)}\n"
        f"@{login} was added to @{org}/{team} without a passed Warden vote: {who}.\n\n{outcome}"
    )
    return f"@{login} was added to {team} without a vote", body


def unauthorised_fixed_comment(login: str) -> str:
    return f"@{login} is no longer in the team; closing."


def never_member_line(row: Row) -> str:
    """One row taken off the public list, as the never-members alert quotes it."""
    notes = f" ({', '.join(row.notes)})" if row.notes else ""
    return f"- @{row.login}: {row.name or row.login}{notes}"


def never_members_alert(org: str, config: WardenConfig, lines: Iterable[str]) -> tuple[str, str]:
    """(title, body) of the alert quoting rows for people never in the team, which Warden
    takes off the public list (``lines`` from `never_member_line`)."""
    team, repo = config.team, config.roster.repo
    how = (
        f"in the pull request from `{BRANCH}` in {org}/{repo}"
        if config.roster.via == "pull_request"
        else f"by a commit to {org}/{repo}"
    )
    quoted = "\n".join(lines)
    body = (
        f"{alert_marker('never-members')}\n"
        f"The public list had rows for people who are not in @{org}/{team} and were never "
        f"listed as members (rows added to the file by hand):\n\n{quoted}\n\n"
        f"The team is canonical (PEP 811), so Warden takes these rows off the public list "
        f"{how}; they are not put on the emeritus list, as they never left. To list "
        f"someone, add them to the team (by a Warden vote). Close this issue once checked."
    )
    return f"Rows for people outside {team} taken off the public list", body


def admins_alert(org: str, team: str, admins: Iterable[str]) -> tuple[str, str]:
    """(title, body) of the alert for a team with fewer than two admins."""
    listed = sorted(admins)
    body = (
        f"{alert_marker('admins')}\n"
        f"PEP 811 asks for at least two admins; @{org}/{team} has {len(listed)}: "
        f"{_mentions(listed)}.\n\nMake another member an admin; Warden closes this issue then."
    )
    return f"{team} has fewer than two admins", body


def admins_fixed_comment(admins: Iterable[str]) -> str:
    return f"The team has two admins or more again ({_mentions(sorted(admins))}); closing."


def removals_alert(
    org: str, team: str, removed: Iterable[str], listed: int, limit: float
) -> tuple[str, str]:
    """(title, body) of the alert that pauses a reconcile removing too much of the list."""
    gone = sorted(removed, key=str.casefold)
    body = (
        f"{alert_marker('removals')}\n"
        f"The list follows @{org}/{team}, and the team now lacks {len(gone)} of the "
        f"{listed} people on the public list: {_mentions(gone)}.\n\n"
        f"Warden removes at most {limit:.0%} of the list without confirmation, in case the "
        f"team was emptied by mistake. Nothing was changed.\n\n"
        f"An admin can comment `/roster confirm` here to move them to the emeritus list."
    )
    return f"Roster sync paused: {len(gone)} of {listed} listed members would be removed", body


def removals_done_comment(admin: str) -> str:
    return f"Confirmed by @{admin}: the lists were updated. Closing."


def team_deleted_alert(org: str, team: str, sender: str) -> tuple[str, str]:
    body = (
        f"{alert_marker('team-deleted', team)}\n"
        f"@{sender} deleted @{org}/{team}, the team Warden follows as the member list. "
        f"Warden leaves the public and emeritus lists as they are until `team` in "
        f"`.github/warden.yml` names a team that exists."
    )
    return f"The member team {team} was deleted", body


def team_renamed_alert(org: str, team: str, slug: str, sender: str) -> tuple[str, str]:
    """(title, body); the new name, from the event, in a code span: no team is notified."""
    body = (
        f"{alert_marker('team-deleted', team)}\n"
        f"@{sender} renamed @{org}/{team}, the team Warden follows as the member list; it is "
        f"now `@{org}/{slug}`. Warden leaves the lists and the guard alone until `team` in "
        f"`.github/warden.yml` says `{slug}`."
    )
    return f"The member team {team} was renamed to {slug}", body


def team_missing_alert(org: str, team: str) -> tuple[str, str]:
    body = (
        f"{alert_marker('team-deleted', team)}\n"
        f"@{org}/{team}, the team Warden follows as the member list, does not exist (renamed "
        f"or deleted, or the app cannot see it). Warden leaves the lists alone until `team` "
        f"in `.github/warden.yml` names a team that exists."
    )
    return f"The member team {team} is missing", body


def team_fixed_comment(org: str, team: str) -> str:
    return f"`team` now names @{org}/{team}, which exists; the lists follow it again. Closing."


NOT_ADMIN = "Only an admin of the team can confirm a paused roster sync; nothing was done."
NOT_ALERT = (
    "`/roster confirm` works only on the roster alert issue of a paused sync; nothing was done."
)
NOTHING_PAUSED = "No roster sync is waiting for confirmation; nothing was done."
UNKNOWN_SUBCOMMAND = "Warden knows only `/roster confirm`; nothing was done."
