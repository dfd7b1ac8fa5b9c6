"""The words Warden posts about leaving: the inactivity review, offboarding, replies."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from app.features.offboarding.rules import Standing
from app.github import labels

INACTIVITY = labels.INACTIVITY
REMOVAL = labels.REMOVAL
OFFBOARDING = labels.ONBOARDING
COUNTED = {
    "advisories": "coordinator credits on the organisation's advisories and comments on "
    "advisory tracking issues",
    "nominations": "comments on nomination and removal issues",
    "votes": "votes cast",
}


def day(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d")


def review_marker(since: datetime) -> str:
    return f"<!-- warden:inactivity since={day(since)} -->"


def offboarding_marker(login: str) -> str:
    return f"<!-- warden:offboarding login={login.lower()} -->"


def _row(standing: Standing, exempt_by: Mapping[str, str]) -> str:
    last = standing.last
    seen = f"{day(last.at)}: {last.what} (before this window)" if last else "none found"
    link = f"[link]({last.link})" if last else "—"
    team = exempt_by.get(standing.login.casefold())
    status = f"exempt (member of `{team}`), not proposed" if team else "proposed for removal"
    return f"| @{standing.login} | {seen} | {link} | {status} |"


def review_title(org: str, team: str, now: datetime) -> str:
    return f"Inactivity review of @{org}/{team}, {day(now)}"


def review_body(
    *,
    org: str,
    team: str,
    steering: str,
    since: datetime,
    now: datetime,
    standings: Sequence[Standing],
    exempt_by: Mapping[str, str],
    count: Sequence[str],
    warn: Sequence[str] = (),
    remove_after: datetime | None = None,
) -> str:
    """The review issue: every inactive member, the exempt marked, the steering team asked."""
    inactive = [s for s in standings if s.inactive]
    active = len(standings) - len(inactive)
    rows = "\n".join(_row(s, exempt_by) for s in inactive) or "| — | | | |"
    counted = "; ".join(COUNTED[kind] for kind in count)
    proposed = [s for s in inactive if not s.exempt]
    lines = [
        review_marker(since),
        f"## Inactivity review of @{org}/{team}: {day(since)} to {day(now)}",
        "",
        f"A member is inactive when nothing of theirs counts as activity in this window "
        f"(counted: {counted}). {active} of {len(standings)} members were active; "
        f"{len(inactive)} were not, {len(proposed)} of them proposed for removal.",
        "",
        "| member | last activity | link | |",
        "|---|---|---|---|",
        rows,
        "",
        f"@{org}/{steering}: " + _ask(proposed, warn, remove_after),
    ]
    return "\n".join(lines) + "\n"


def _ask(proposed: Sequence[Standing], warn: Sequence[str], remove_after: datetime | None) -> str:
    if not proposed:
        return "nobody is proposed for removal this time."
    if warn and remove_after is not None:
        who = ", ".join(f"@{login}" for login in warn)
        return (
            f"{who}: nothing of yours counted as activity in this window. Reply in this issue "
            f"by {day(remove_after)} to stay a member; without a reply or new activity you are "
            "then removed from the team (the steering team may still `/removal` anyone)."
        )
    return (
        "the members proposed above may be removed by a vote: type `/removal @login` in this "
        "issue to open one removal vote per member."
    )


def review_outcome(removed: Sequence[str], kept: Sequence[str], held: bool) -> str:
    """The closing comment of a warn-then-remove review once the grace period ended."""
    if held:
        return (
            "The grace period ended, but removing "
            + ", ".join(f"@{x}" for x in removed)
            + " would remove more than a quarter of the team at once, so nobody was removed. "
            "The removal voters can still open a vote on each (`/removal @login`)."
        )
    parts = []
    if removed:
        parts.append("Removed from the team: " + ", ".join(f"@{x}" for x in removed) + ".")
    if kept:
        parts.append("Replied or active again, staying: " + ", ".join(f"@{x}" for x in kept) + ".")
    return " ".join(parts) or "The grace period ended; nobody was left to remove."


def removal_issue(login: str, proposer: str, reason: str, source: int) -> tuple[str, str]:
    """(title, body) of the issue a `/removal` opens; the vote comment follows."""
    why = f"\n\nReason given: {reason}" if reason else ""
    body = (
        f"@{proposer} asked for a vote on removing @{login} from the team (from #{source})."
        f"{why}\n\nThe vote comment below counts the votes."
    )
    return f"Removal vote: @{login}", body


def offboarding_issue(
    org: str, team: str, login: str, how: str, venues: Sequence[str]
) -> tuple[str, str]:
    """(title, body) of the offboarding issue: the venues admins remove the leaver from."""
    items = "".join(f"- [ ] Remove @{login} from {venue}\n" for venue in venues)
    items = items or "- [ ] Nothing else is configured (`onboarding.venues`)\n"
    body = (
        f"{offboarding_marker(login)}\n@{login} left @{org}/{team} ({how}). Warden removed them "
        "from the team and moves them to the emeritus list. Admins, please also:\n\n"
        f"{items}"
        "\nClose this issue once every item is ticked.\n"
    )
    return f"Offboarding @{login}", body


REPLIES = {
    "resigned": "you have left @{org}/{team}: thank you for your work. Your row moves to the "
    "emeritus list with the next list update; the admins follow up in #{issue}.",
    "resign_denied": "only members of `@{org}/{team}` can resign; nothing was done.",
    "removal_denied": "only members of `@{org}/{voters}` can ask for a removal vote; nothing "
    "was done.",
    "removal_usage": "name one member, as in `/removal @login reason`; nothing was done.",
    "removal_not_member": "@{login} is not a member of `@{org}/{team}`; nothing was done.",
    "removal_exists": "@{login} already has an open removal vote in #{issue}; nothing was done.",
    "removal_opened": "the removal vote on @{login} is open in #{issue}.",
}


def reply(sender: str, key: str, **values: object) -> str:
    return f"@{sender}: {REPLIES[key].format(**values)}"
