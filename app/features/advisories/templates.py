"""The words Warden writes about an advisory: the tracking issue, reminders, command replies.

Only in the PRIVATE governance repository, and never the vulnerability description.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime

from app.github import labels
from app.github.markdown import inert

LABEL = labels.ADVISORY
DIGEST_PREFIX = "<!-- warden:advisory-digest "


def marker(ghsa_id: str) -> str:
    """The hidden marker that makes an issue the tracking issue of ``ghsa_id``."""
    return f"<!-- warden:advisory id={ghsa_id} -->"


_MARKED = re.compile(r"<!-- warden:advisory id=(\S+) -->")


def marked_id(body: str) -> str | None:
    """The GHSA id in a tracking issue's hidden marker (upper case), if it has one."""
    found = _MARKED.search(body)
    return found.group(1).upper() if found else None


TITLE = "{ghsa_id}: {summary}"

BODY = """\
{marker}
{digest}
Tracking issue of the private vulnerability report **[{ghsa_id}]({url})** in `{repo}`.
The report itself stays in the advisory: do not copy its description here.

| | |
|---|---|
| Summary | {summary} |
| Severity | {severity} |
| State | {state} |
| Reporter | {reporter} |
| Coordinator | {coordinator} |
| Experts | {experts} |
| Deadline | {deadline} |
{checklist}
Team members can type, each on its own line:
- `/coordinate`: become the coordinator;
- `/expert @user` (or `@org/team`): add an expert as a collaborator on the advisory;
- `/credit @user TYPE`: credit someone (types: {types}).
"""

ARCHIVED = (
    " (the repository is archived: Warden changes nothing in the advisory until it is unarchived)"
)

NO_COORDINATOR = "none yet: type `/coordinate`, or one is assigned {when}"

COORDINATOR_ASSIGNED = """\
<!-- warden:coordinator id={ghsa_id} login={login} at={at} -->
@{login}, you are now the coordinator of {ghsa_id} ({why}). You were added to the advisory \
as a collaborator and credited as `coordinator`. Please take it from triage to a fix and a \
publication (or a close) before the deadline, {deadline}.
"""

#: Why Warden assigned a coordinator, in ``COORDINATOR_ASSIGNED``.
COORDINATOR_WHY = {
    "unclaimed": "no one took it within {wait}",
    "left": "the previous coordinator, `@{login}`, is no longer in the team",
}

REMINDERS = {
    "warn": "{who}the deadline of {ghsa_id} is {deadline}, in {days}. What is left to do?",
    "urgent": "{who}**{ghsa_id} is due in {days}** ({deadline}). Please publish or close "
    "it, or say here what blocks it.",
    "overdue": "{who}**{ghsa_id} is overdue**: its deadline was {deadline}. Please publish or "
    "close it, or say here what blocks it.",
}
REMINDER_MARKER = "<!-- warden:reminder id={ghsa_id} level={level} at={at} -->\n"

FINISHED = """\
<!-- warden:advisory-finished id={ghsa_id} state={state} at={at} -->
{ghsa_id} is {state}: this tracking issue is closed, and reminders stop."""
GONE = """\
<!-- warden:advisory-finished id={ghsa_id} state=gone at={at} -->
{ghsa_id} can no longer be found on GitHub (withdrawn or deleted, or its repository is out of \
Warden's reach): this tracking issue is closed, and reminders stop."""

EXPERTS_ADDED = """\
<!-- warden:experts id={ghsa_id} at={at} -->
Added as experts (collaborators on the advisory), as owners of files changed in the private \
fork: {names}.
"""

#: One per change put back: ``change`` is the delivery that reported it, so a replay of that
#: delivery after a crash recognises the comment it already posted (see ``once``).
RESTORED_MARKER = "<!-- warden:tracking-restored id={ghsa_id} what={what} change={change} -->\n"
RESTORED = {
    "closed": "`@{sender}`, {ghsa_id} is still in {state}, so its tracking issue stays open. It "
    "closes by itself when the advisory is closed or published (a `[CLOSE]` tag in the "
    "advisory's title closes it).",
    "edited": "`@{sender}`, the title and body of this issue are Warden's and were put back "
    "(Warden finds the issue by them, and keeps them up to date); please comment instead.",
    "unlabeled": "`@{sender}`, the `warden/advisory` label marks this issue as the tracking "
    "issue of {ghsa_id} and was put back.",
}

REPLIES = {
    "not_member": "Only members of `@{org}/{team}` can use `/{command}`; nothing was changed.",
    "not_tracking": "`/{command}` works only in an advisory's tracking issue; nothing was changed.",
    "finished": "{ghsa_id} is already {state}; nothing was changed.",
    "coordinator": "@{login} is now the coordinator of {ghsa_id}.",
    "already_coordinator": "@{login} already coordinates {ghsa_id}.",
    "coordinated_by": "`@{login}` already coordinates {ghsa_id}; a command never replaces a "
    "coordinator (credits are never removed). To hand over, credit the new coordinator as "
    "`coordinator` on GitHub's page instead of `@{login}`: Warden follows. Nothing was changed.",
    "credited_otherwise": "@{login} is credited as `{kind}` on {ghsa_id}, and a credit is never "
    "retyped, so it cannot be a `coordinator` credit; change it on GitHub's page first. Nothing "
    "was changed.",
    "usage_credit": "Write `/credit @user TYPE`, where TYPE is one of {types}; nothing was "
    "changed.",
    "usage_expert": "Write `/expert @user` or `/expert @org/team`; nothing was changed.",
    "credited": "Credited @{login} as `{kind}` on {ghsa_id}.",
    "already_credited": "@{login} is already credited as `{kind}` on {ghsa_id}; existing credits "
    "are never changed.",
    "bot": "Bots are never credited; nothing was changed.",
    "no_user": "`{name}` is not a GitHub user or a team of {org}; nothing was changed.",
    # ``name`` as typed (``@user`` or ``@org/team``) in a code span: a team is never mentioned.
    "expert": "Added `{name}` to {ghsa_id} as a collaborator.",
    "already_expert": "`{name}` is already a collaborator on {ghsa_id}.",
}


def date(timestamp: float) -> str:
    """``2026-03-01``."""
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%d")


def deadline_text(deadline_at: float, days_left: int) -> str:
    """``2026-03-01 (12 days left)`` or ``2026-03-01 (overdue by 3 days)``."""
    if days_left <= 0:
        return f"{date(deadline_at)} (overdue by {days(max(1, -days_left))})"
    return f"{date(deadline_at)} ({days(days_left)} left)"


def days(count: int) -> str:
    """``1 day``, ``3 days``."""
    return f"{count} day" if count == 1 else f"{count} days"


def names(logins: tuple[str, ...]) -> str:
    """``@a, @org/team`` without notifying: the names are in code spans."""
    return ", ".join(f"`@{n}`" for n in logins) if logins else "none yet"


def tracking_title(ghsa_id: str, summary: str) -> str:
    return TITLE.format(ghsa_id=ghsa_id, summary=summary.strip() or "(no summary)")


def tracking_body(
    *,
    ghsa_id: str,
    url: str,
    repo: str,
    summary: str,
    severity: str | None,
    state: str,
    reporter: str | None,
    coordinator: str | None,
    assign_when: str,
    experts: tuple[str, ...],
    deadline: str,
    types: tuple[str, ...],
    checklist: str = "",
) -> str:
    """The tracking issue's body (with ``checklist`` under the table, for a draft); its
    second line is a digest of everything else."""
    fields = {
        "marker": marker(ghsa_id),
        "ghsa_id": ghsa_id,
        "url": url,
        "repo": repo,
        "summary": inert(summary).replace("|", "\\|") if summary.strip() else "(none)",
        "severity": severity or "not set",
        "state": state,
        "reporter": f"`@{reporter}`" if reporter else "unknown",
        "coordinator": f"`@{coordinator}`"
        if coordinator
        else NO_COORDINATOR.format(when=assign_when),
        "experts": names(experts),
        "deadline": deadline,
        "types": ", ".join(f"`{t}`" for t in types),
        "checklist": checklist,
    }
    text = BODY.format(digest="{digest}", **fields)
    return text.replace("{digest}", digest_line(text))


def digest_line(text: str) -> str:
    return f"{DIGEST_PREFIX}{hashlib.sha256(text.encode()).hexdigest()[:16]} -->"


def stamp(timestamp: float) -> str:
    """``2026-03-01T09:30:00Z``: when a comment was meant, in its hidden marker (a comment
    posted once is recognised by it after a crash)."""
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def coordinator_why(reason: str, **values: str) -> str:
    """Why a coordinator was assigned (``COORDINATOR_WHY[reason]``)."""
    return COORDINATOR_WHY[reason].format(**values)


def coordinator_comment(ghsa_id: str, login: str, why: str, deadline: str, at: float) -> str:
    return COORDINATOR_ASSIGNED.format(
        ghsa_id=ghsa_id, login=login, why=why, deadline=deadline, at=stamp(at)
    )


def reminder(
    ghsa_id: str, level: str, coordinator: str | None, deadline: str, left: int, at: float
) -> str:
    """A deadline reminder (``left``: whole days to the deadline, or past it)."""
    who = f"@{coordinator}, " if coordinator else ""
    text = REMINDERS[level].format(who=who, ghsa_id=ghsa_id, deadline=deadline, days=days(left))
    marker = REMINDER_MARKER.format(ghsa_id=ghsa_id, level=level, at=stamp(at))
    return marker + text[0].upper() + text[1:]


def finished(ghsa_id: str, state: str, at: float) -> str:
    """The comment that closes a tracking issue; ``state`` ``gone`` when GitHub answers 404."""
    template = GONE if state == "gone" else FINISHED
    return template.format(ghsa_id=ghsa_id, state=state, at=stamp(at))


def experts_added(ghsa_id: str, added: tuple[str, ...], at: float) -> str:
    return EXPERTS_ADDED.format(ghsa_id=ghsa_id, names=names(added), at=stamp(at))


def restored(ghsa_id: str, what: str, state: str, sender: str, change: str) -> str:
    """Why Warden put back what ``sender`` changed by hand (``closed``, ``edited``,
    ``unlabeled``); ``change`` names the change (its delivery) in the hidden marker."""
    text = RESTORED[what].format(ghsa_id=ghsa_id, state=state, sender=sender)
    return RESTORED_MARKER.format(ghsa_id=ghsa_id, what=what, change=change) + text


def reply(template: str, **values: str) -> str:
    """A one-line command reply (``REPLIES[template]``)."""
    return REPLIES[template].format(**values)
