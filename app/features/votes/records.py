"""Open and closed votes in the database: the rule and the voters as they were at opening."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import Any, Literal

from app.features.votes.tally import VoteRule
from app.store import Store

#: open: counting; veto: passed, waiting out the veto window; then one of the final states.
State = Literal["open", "veto", "passed", "failed", "cancelled", "vetoed"]
LIVE_STATES: tuple[State, ...] = ("open", "veto")
FINAL_STATES: tuple[State, ...] = ("passed", "failed", "cancelled", "vetoed")


@dataclass(frozen=True)
class Vote:
    """One vote on one issue of the governance repository."""

    installation_id: int
    org: str
    repo: str
    issue_number: int
    kind: str
    nominee: str
    nominator: str
    team: str
    rule: VoteRule
    voters: frozenset[str]
    voters_team: str
    opened_at: float
    deadline: float
    state: State = "open"
    comment_id: int | None = None
    veto_team: str | None = None
    veto_window: float = 0.0
    veto_until: float | None = None
    tally: str | None = None
    outcome: str | None = None
    closed_at: float | None = None
    onboarding_issue: int | None = None
    """The issue that follows a passed vote: onboarding (nomination), offboarding (removal)."""
    #: The vote comment's text once the vote is closed (put back if a late count overwrote it).
    result: str | None = None
    #: What the last state change still owes GitHub and the audit log (JSON), until done.
    pending: str | None = None

    @property
    def subject(self) -> str:
        """How the audit log names this vote: ``org/repo#number``."""
        return f"{self.org}/{self.repo}#{self.issue_number}"

    @property
    def deadline_at(self) -> datetime:
        return datetime.fromtimestamp(self.deadline, UTC)

    @property
    def live(self) -> bool:
        return self.state in LIVE_STATES

    def but(self, **changes: Any) -> Vote:
        return replace(self, **changes)


def rule_json(vote: Vote) -> str:
    rule = vote.rule
    return json.dumps(
        {
            "threshold": f"{rule.threshold.numerator}/{rule.threshold.denominator}",
            "denominator": rule.denominator,
            "quorum": rule.quorum,
            "strict": rule.strict,
            "duration": rule.duration.total_seconds(),
            "min_open": None if rule.min_open is None else rule.min_open.total_seconds(),
            "veto_window": vote.veto_window,
            "voters_team": vote.voters_team,
        },
        sort_keys=True,
    )


def _min_open(data: dict[str, Any]) -> timedelta | None:
    """A vote keeps the rule it opened with: one stored before ``min_open`` existed closed
    as soon as it was decided, so it still does (0); null is "until the deadline"."""
    if "min_open" not in data:
        return timedelta(0)
    return None if data["min_open"] is None else timedelta(seconds=float(data["min_open"]))


def _rule(text: str) -> tuple[VoteRule, float, str]:
    data = json.loads(text)
    rule = VoteRule(
        threshold=Fraction(data["threshold"]),
        denominator=data["denominator"],
        quorum=int(data["quorum"]),
        strict=bool(data["strict"]),
        duration=timedelta(seconds=float(data["duration"])),
        min_open=_min_open(data),
    )
    return rule, float(data.get("veto_window", 0.0)), str(data.get("voters_team", ""))


def _from_row(row: Any) -> Vote:
    rule, veto_window, voters_team = _rule(row["rule"])
    return Vote(
        installation_id=int(row["installation_id"]),
        org=row["org"],
        repo=row["repo"],
        issue_number=int(row["issue_number"]),
        kind=row["kind"],
        nominee=row["nominee"],
        nominator=row["nominator"],
        team=row["team"],
        rule=rule,
        voters=frozenset(json.loads(row["voters"])),
        voters_team=voters_team,
        opened_at=float(row["opened_at"]),
        deadline=float(row["deadline"]),
        state=row["state"],
        comment_id=None if row["comment_id"] is None else int(row["comment_id"]),
        veto_team=row["veto_team"],
        veto_window=veto_window,
        veto_until=row["veto_until"],
        tally=row["tally"],
        outcome=row["outcome"],
        closed_at=row["closed_at"],
        onboarding_issue=row["onboarding_issue"],
        result=row["result"],
        pending=row["pending"],
    )


async def insert(store: Store, vote: Vote) -> bool:
    """Store a new vote; False when the issue has one already."""
    if await find(store, vote.installation_id, vote.repo, vote.issue_number) is not None:
        return False
    await store.execute(
        "INSERT INTO votes (installation_id, org, repo, issue_number, kind, comment_id, nominee, "
        "nominator, team, rule, voters, opened_at, deadline, state, veto_team) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (installation_id, repo, issue_number) DO NOTHING",
        vote.installation_id,
        vote.org,
        vote.repo,
        vote.issue_number,
        vote.kind,
        vote.comment_id,
        vote.nominee,
        vote.nominator,
        vote.team,
        rule_json(vote),
        json.dumps(sorted(vote.voters)),
        vote.opened_at,
        vote.deadline,
        vote.state,
        vote.veto_team,
    )
    return True


#: The columns that change during a vote's life; the rest is fixed when it opens.
MUTABLE = (
    "comment_id",
    "deadline",
    "state",
    "veto_until",
    "tally",
    "outcome",
    "closed_at",
    "onboarding_issue",
    "result",
    "pending",
)


async def update(store: Store, before: Vote, after: Vote, *, also: tuple[str, ...] = ()) -> bool:
    """Write what changed from ``before`` to ``after``, only if the stored vote is still as
    ``before`` was read; False (nothing written) if someone else changed it meanwhile.

    A compare-and-set: a state change is applied only while the stored state is still
    ``before.state``, so of a sweep and a command closing the same vote at once exactly one
    wins (and acts); any other change also needs the changed columns to hold their old
    values, so a stale copy never writes back over a newer deadline, comment or state.
    ``also`` names more columns that must still hold ``before``'s values (what the change
    was decided on, such as the deadline).
    """
    changed = [name for name in MUTABLE if getattr(before, name) != getattr(after, name)]
    if not changed:
        return True
    compared = ["state", *also] if "state" in changed else ["state", *also, *changed]
    compared = list(dict.fromkeys(compared))
    args: list[Any] = [getattr(after, name) for name in changed]
    args += [before.installation_id, before.repo, before.issue_number]
    conditions = []
    for name in compared:
        old = getattr(before, name)
        conditions.append(f"{name} IS NULL" if old is None else f"{name} = ?")
        args += [] if old is None else [old]
    rows = await store.fetch(
        f"UPDATE votes SET {', '.join(f'{name} = ?' for name in changed)} "
        "WHERE installation_id = ? AND repo = ? AND issue_number = ? "
        f"AND {' AND '.join(conditions)} RETURNING issue_number",
        *args,
    )
    return bool(rows)


async def find(store: Store, installation_id: int, repo: str, number: int) -> Vote | None:
    row = await store.fetchrow(
        "SELECT * FROM votes WHERE installation_id = ? AND repo = ? AND issue_number = ?",
        installation_id,
        repo,
        number,
    )
    return None if row is None else _from_row(row)


async def live_votes(store: Store) -> list[Vote]:
    """Every vote still open or in its veto window, every vote whose last state change was
    not carried out in full, and every passed nomination whose admission did not finish
    (a crash or a failure half-way is finished by the next sweep), and likewise every passed
    removal whose offboarding did not finish, oldest first."""
    rows = await store.fetch(
        "SELECT * FROM votes WHERE state IN (?, ?) OR pending IS NOT NULL "
        "OR (state = ? AND kind IN (?, ?) AND onboarding_issue IS NULL) ORDER BY id",
        *LIVE_STATES,
        "passed",
        "nomination",
        "removal",
    )
    return [_from_row(row) for row in rows]


async def live_for_nominee(
    store: Store, installation_id: int, nominee: str, kind: str = "nomination"
) -> list[Vote]:
    rows = await store.fetch(
        "SELECT * FROM votes WHERE installation_id = ? AND LOWER(nominee) = ? "
        "AND state IN (?, ?) "
        "AND kind = ? ORDER BY id",
        installation_id,
        nominee.lower(),
        *LIVE_STATES,
        kind,
    )
    return [_from_row(row) for row in rows]
