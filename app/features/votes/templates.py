"""The words Warden posts about nominations and votes: vote comment, result, replies."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta

from app.features.votes.records import Vote
from app.features.votes.tally import Tally, pass_rule_text
from app.github import labels
from app.github.markdown import inert
from config.units import duration_words

NOMINATION = labels.NOMINATION
REMOVAL = labels.REMOVAL
VOTE_OPEN = labels.VOTE_OPEN
PASSED = labels.PASSED
FAILED = labels.FAILED
CANCELLED = labels.CANCELLED
VETOED = labels.VETOED
ONBOARDING = labels.ONBOARDING
STATE_LABELS = (VOTE_OPEN, PASSED, FAILED, CANCELLED, VETOED)
#: The labels votes use; Warden creates the missing ones.
LABELS = (NOMINATION, *STATE_LABELS, ONBOARDING)
REFUSED_MARKER = "<!-- warden:nomination-refused -->"
LABEL_MARKER = "<!-- warden:label-restored -->"


def kind_label(kind: str) -> str:
    """The label that says what a vote is about: `warden/nomination` or `warden/removal`."""
    return REMOVAL if kind == "removal" else NOMINATION


def vote_marker(number: int) -> str:
    return f"<!-- warden:vote issue={number} -->"


def onboarding_marker(number: int) -> str:
    return f"<!-- warden:onboarding nomination={number} -->"


def when(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def relative(delta: timedelta) -> str:
    """`in 6 days, 23 hours`, `in 5 minutes`; `now` when past."""
    seconds = round(delta.total_seconds() / 60) * 60
    if seconds <= 0:
        return "now"
    days, hours, minutes = seconds // 86400, seconds % 86400 // 3600, seconds % 3600 // 60
    parts = [(days, "day"), (hours, "hour"), (minutes, "minute")]
    words = [f"{n} {unit}{'' if n == 1 else 's'}" for n, unit in parts if n][:2]
    return "in " + (", ".join(words) or "less than a minute")


def _who(logins: Iterable[str]) -> str:
    return ", ".join(f"@{login}" for login in logins) or "—"


def tally_table(tally: Tally) -> str:
    rows = [
        ("👍 for", tally.for_),
        ("👎 against", tally.against),
        ("👀 abstain", tally.abstain),
        ("invalid (more than one of 👍 👎 👀)", tally.invalid),
        ("not voted", tally.not_voted),
    ]
    lines = ["| vote | count | who |", "|---|---|---|"]
    lines += [f"| {name} | {len(who)} | {_who(who)} |" for name, who in rows]
    text = "\n".join(lines) + "\n"
    emoji = {"+1": "👍", "-1": "👎", "eyes": "👀"}
    others = [f"{emoji[c]} {_who(who)}" for c, who in tally.non_binding.items()]
    if others:
        text += f"\nNon-binding (not voters of this vote): {'; '.join(others)}\n"
    return text


def veto_text(vote: Vote) -> str:
    if not vote.veto_team or vote.veto_window <= 0:
        return "No veto applies."
    window = duration_words(timedelta(seconds=vote.veto_window))
    return (
        f"If it passes, members of @{vote.org}/{vote.veto_team} may veto it with `/veto` "
        f"within {window}."
    )


#: What a vote is about, by its kind: the title, who started it, the result headlines.
KIND_WORDS = {
    "nomination": {
        "title": "admit @{nominee} to @{org}/{team}",
        "started": "@{nominator} nominated @{nominee}.",
        "excluded": "the nominee excluded",
        "about": "Vote on admitting @{nominee} to @{org}/{team}, nominated by @{nominator}.",
        "passed": "passed: @{nominee} is admitted",
        "failed": "failed: @{nominee} is not admitted",
    },
    "removal": {
        "title": "remove @{nominee} from @{org}/{team}",
        "started": "@{nominator} proposed removing @{nominee} from the team.",
        "excluded": "@{nominee} excluded",
        "about": "Vote on removing @{nominee} from @{org}/{team}, proposed by @{nominator}.",
        "passed": "passed: @{nominee} is removed from the team",
        "failed": "failed: @{nominee} stays a member",
    },
}


def kind_words(vote: Vote, key: str) -> str:
    words = KIND_WORDS.get(vote.kind, KIND_WORDS["nomination"])[key]
    return words.format(
        nominee=vote.nominee, nominator=vote.nominator, org=vote.org, team=vote.team
    )


def closes_text(vote: Vote, tally: Tally, now: datetime) -> str:
    """When the vote closes: its deadline, and whether (and from when) it may close early."""
    deadline = f"{when(vote.deadline_at)} ({relative(vote.deadline_at - now)})"
    early = tally.earliest_close
    if early is None or early >= vote.deadline_at:
        return f"{deadline}. It stays open until then, even once the result can no longer change."
    if early <= datetime.fromtimestamp(vote.opened_at, UTC):
        return f"{deadline}, or earlier as soon as the result can no longer change."
    return f"{deadline}, or from {when(early)} on, once the result can no longer change."


def decided_note(vote: Vote, tally: Tally) -> str:
    """Said under the tally of a decided vote that may not close yet."""
    if not tally.decided or tally.closable:
        return ""
    until = min(tally.earliest_close or vote.deadline_at, vote.deadline_at)
    return (
        f"\n**Decided:** the remaining votes can no longer change the result ({tally.outcome}), "
        f"but the vote stays open until {when(until)}; nothing is applied before then.\n"
    )


OPEN = """\
{marker}
## Vote: {title}

{started} The {eligible} members of @{org}/{voters_team} when the \
vote opened vote ({excluded}); joining or leaving the team later changes nothing.

**How to vote:** react to this comment with 👍 for, 👎 against or 👀 to abstain. Use one of \
the three only: a voter with more than one has an invalid vote. Reactions from anyone else \
are shown as non-binding.

**Rule:** {rule} {veto}

**Closes:** {closes}

### Tally (counted {counted})

{table}{decided}
`/vote status` refreshes this count now.
"""


def open_comment(vote: Vote, tally: Tally, now: datetime, voters_team: str) -> str:
    """The vote comment while the vote is open, with the current tally."""
    return OPEN.format(
        marker=vote_marker(vote.issue_number),
        title=kind_words(vote, "title"),
        started=kind_words(vote, "started"),
        excluded=kind_words(vote, "excluded"),
        org=vote.org,
        voters_team=voters_team,
        eligible=tally.eligible,
        rule=pass_rule_text(vote.rule),
        veto=veto_text(vote),
        closes=closes_text(vote, tally, now),
        counted=when(now),
        table=tally_table(tally),
        decided=decided_note(vote, tally),
    )


HEADLINES = {
    "veto": "passed; veto window open until {veto_until}",
    "passed": "passed: @{nominee} is admitted",
    "failed": "failed: @{nominee} is not admitted",
    "cancelled": "cancelled",
    "vetoed": "vetoed: @{nominee} is not admitted",
}

RESULT = """\
{marker}
## Vote {headline}

{about} {closed}

**Rule:** {rule}

### Result

{table}{note}"""


def result_comment(vote: Vote, tally: Tally | None, closed: str, note: str = "") -> str:
    """The vote comment once the vote is closed: the outcome and who voted how."""
    veto_until = when(datetime.fromtimestamp(vote.veto_until or 0, UTC))
    if vote.state in ("passed", "failed"):
        headline = kind_words(vote, vote.state)
    else:
        headline = HEADLINES[vote.state].format(nominee=vote.nominee, veto_until=veto_until)
    table = tally_table(tally) if tally is not None else "No votes were counted.\n"
    return RESULT.format(
        marker=vote_marker(vote.issue_number),
        headline=headline,
        about=kind_words(vote, "about"),
        closed=closed,
        rule=pass_rule_text(vote.rule),
        table=table,
        note=f"\n{note}\n" if note else "",
    )


def veto_window_note(vote: Vote) -> str:
    until = when(datetime.fromtimestamp(vote.veto_until or 0, UTC))
    return (
        f"Members of @{vote.org}/{vote.veto_team} may type `/veto` in this issue until "
        f"{until}. Without a veto, @{vote.nominee} is then added to the team."
    )


def veto_window_over(vote: Vote, body: str) -> str:
    """The result comment of a vote in its veto window (``body``) once the window ended
    without a veto: ``vote`` is the passed vote; its headline and note say so."""
    waiting = vote.but(state="veto")
    old_headline = "## Vote " + HEADLINES["veto"].format(
        nominee=vote.nominee, veto_until=when(datetime.fromtimestamp(vote.veto_until or 0, UTC))
    )
    new_headline = "## Vote " + HEADLINES["passed"].format(nominee=vote.nominee, veto_until="")
    until = when(datetime.fromtimestamp(vote.veto_until or 0, UTC))
    over = f"No veto came from @{vote.org}/{vote.veto_team} by {until}."
    return body.replace(old_headline, new_headline, 1).replace(veto_window_note(waiting), over, 1)


ONBOARDING_BODY = """\
{marker}
Welcome to @{org}/{team}, @{nominee}! The vote in #{number} admitted you. {invited}

Please work through this checklist and tick each item when done:

{checklist}{venues}
Ask in this issue if anything is unclear; close it once every item is ticked.
"""


def onboarding_issue(
    vote: Vote, checklist: Sequence[str], invited: bool, venues: Sequence[str] = ()
) -> tuple[str, str]:
    """(title, body) of the onboarding issue for a newly admitted member."""
    note = (
        "GitHub sent you an invitation to the organisation: accept it to join the team."
        if invited
        else "You are now a member of the team."
    )
    items = "".join(f"- [ ] {item}\n" for item in checklist)
    admins = "".join(f"- [ ] Add @{vote.nominee} to {venue}\n" for venue in venues)
    body = ONBOARDING_BODY.format(
        venues=f"\nFor the admins, the member venues to keep in sync:\n\n{admins}"
        if admins
        else "",
        marker=onboarding_marker(vote.issue_number),
        org=vote.org,
        team=vote.team,
        nominee=vote.nominee,
        number=vote.issue_number,
        invited=note,
        checklist=items,
    )
    return f"Onboarding @{vote.nominee}", body


def refusal(reason: str) -> str:
    """The one comment on a nomination Warden does not open a vote for."""
    return f"{REFUSED_MARKER}\nNo vote was opened: {reason}\n"


def label_restored(sender: str, label: str, added: bool) -> str:
    done = "removed again" if added else "put back"
    return (
        f"{LABEL_MARKER}\n@{sender}, only Warden and the admins change the state labels of a "
        f"vote, so `{label}` was {done}.\n"
    )


def comment_reposted(old_id: int) -> str:
    return (
        f"The vote comment ({old_id}) was deleted, so Warden posted it again below. "
        "Reactions on the deleted comment are gone: please vote again on the new one."
    )


#: Why a vote closed, in its result comment (``who``: a login, never a team).
CLOSED = {
    "deadline": "Closed at its deadline, {at}.",
    "early": "Closed early on {at}: the remaining votes could no longer change the result.",
    "cancelled_by": "Cancelled by @{who}.",
    "vetoed_by": "Vetoed by @{who}.",
    "issue_closed": "Cancelled: @{who} closed the issue while the vote was open.",
    "joined": "Cancelled: @{who} became a member of @{org}/{team} during the vote, without it, "
    "so there is nothing left to decide.",
    "resigned": "Cancelled: @{who} resigned from the team during the vote, so there is nothing "
    "left to decide.",
    "left": "Cancelled: @{who} is no longer a member of @{org}/{team}, so there is nothing left "
    "to decide.",
}


def closed_why(reason: str, **values: str) -> str:
    return CLOSED[reason].format(**values)


#: Why no vote was opened, after ``refusal``'s "No vote was opened: ". Teams in code spans:
#: the opener may be an outsider, who must not make Warden notify a whole team.
REFUSALS = {
    "not_member": "only members of `@{org}/{team}` can nominate, and @{opener} is not one.",
    "nominee_count": "the issue {found}. Name exactly one, on a line `Nominee: @login` (or in "
    "the Nominee field of the nomination form), then add the `warden/nomination` label again.",
    "not_user": "@{login} is not a GitHub user. Check the spelling of the login.",
    "not_person": "@{login} is not a person's account, so it cannot be nominated.",
    "member": "@{login} is already a member of `@{org}/{team}`.",
    "invited": "@{login} is already invited to `@{org}/{team}`.",
    "nominated": "@{login} already has an open nomination in #{number}.",
}


def refusal_reason(reason: str, **values: object) -> str:
    return REFUSALS[reason].format(**values)


#: Replies to `/vote` and `/veto`, after ``@sender: ``; what the sender typed is quoted with
#: ``app.github.markdown.inert`` and teams are in code spans. Replies are not found again:
#: no marker.
USAGE = "`/vote status`, `/vote cancel` or `/vote extend DURATION` (for example `/vote extend 3d`)"
REPLIES = {
    "no_vote": "{word} works only on a nomination or removal issue with a vote; nothing was done.",
    "status_closed": "this vote is closed ({state}): the vote comment shows the result.",
    "unknown": "{line} is not a vote command; use " + USAGE + ".",
    "cancel_denied": "only the admins and the nominator (@{nominator}) can cancel this vote; "
    "nothing was done.",
    "already_closed": "this vote is already closed ({state}); nothing was done.",
    "extend_denied": "only the admins can extend a vote; nothing was done.",
    "bad_duration": "{error}, as in `/vote extend 3d`; nothing was done.",
    "extend_lost": "the vote changed while extending it; nothing was done. Try again.",
    "no_veto": "no veto applies to this vote; nothing was done.",
    "veto_denied": "only members of `@{org}/{team}` can veto; nothing was done.",
    "still_open": "the vote is still open: a veto is possible only after it passes; nothing was "
    "done.",
    "window_ended": "the veto window ended on {ended}; nothing was done.",
    "nothing_to_veto": "this vote ended {state}, so there is nothing to veto; nothing was done.",
    "changed": "the vote changed meanwhile (it is now {state}); nothing was done.",
}


def duration_problem(error: str, written: str) -> str:
    """A duration error with the typed text as a code span, not in quotes: what someone
    typed (``@org/team``) never becomes a mention in Warden's reply."""
    typed = written.strip()
    return error.replace(f'"{typed}"', inert(typed), 1) if typed else error


def reply(sender: str, key: str, **values: str) -> str:
    """A command reply addressed to ``sender`` (``REPLIES[key]``)."""
    return f"@{sender}: {REPLIES[key].format(**values)}"
