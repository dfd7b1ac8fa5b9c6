"""The status page's rules: what each organisation shows, decided from facts alone."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from app.features.votes.lifecycle import count
from app.features.votes.records import Vote
from app.features.votes.tally import Reaction
from config.model import WardenConfig


@dataclass(frozen=True)
class VoteLine:
    kind: str
    state: str  # "open" or "veto window"
    for_: int
    against: int
    abstain: int
    voters: int
    until: datetime


@dataclass(frozen=True)
class YearCount:
    year: int
    reported: int
    published: int


@dataclass(frozen=True)
class OrgStatus:
    org: str
    team: str
    members: tuple[tuple[str, bool], ...] = ()  # (login, is an admin)
    votes: tuple[VoteLine, ...] = ()
    advisories: tuple[YearCount, ...] = ()
    open_advisories: int = 0
    overdue_advisories: int = 0
    unavailable: bool = False


@dataclass(frozen=True)
class AdvisoryCounts:
    years: tuple[YearCount, ...]
    open: int
    overdue: int


@dataclass(frozen=True)
class AdvisoryRow:
    """One advisory as the records keep it; the page never reads more than this."""

    reported_at: float
    state: str
    finished_at: float | None


@dataclass(frozen=True)
class OrgFacts:
    """What the page needs of one organisation, read from GitHub and the records."""

    org: str
    config: WardenConfig
    members: Sequence[str] = ()
    admins: Sequence[str] = ()
    votes: Sequence[tuple[Vote, Sequence[Reaction]]] = ()
    advisories: Sequence[AdvisoryRow] = ()
    unavailable: bool = False  # GitHub did not answer


def org_status(facts: OrgFacts, now: float) -> OrgStatus:
    """What the page shows of one organisation: nothing embargoed (no nominee, no advisory)."""
    if facts.unavailable:
        return OrgStatus(facts.org, facts.config.team, unavailable=True)
    admin_keys = {a.lower() for a in facts.admins}
    members = tuple((m, m.lower() in admin_keys) for m in sorted(facts.members, key=str.lower))
    at = datetime.fromtimestamp(now, UTC)
    votes = tuple(vote_line(vote, reactions, at) for vote, reactions in facts.votes)
    deadline = facts.config.advisories.deadline.total_seconds()
    counts = advisory_counts(facts.advisories, deadline, now)
    return OrgStatus(
        facts.org, facts.config.team, members, votes, counts.years, counts.open, counts.overdue
    )


def vote_line(vote: Vote, reactions: Sequence[Reaction], now: datetime) -> VoteLine:
    """One open vote as the page shows it: counts only, never who is nominated or who voted."""
    result = count(vote, list(reactions), now)
    in_veto = vote.state == "veto" and vote.veto_until is not None
    until = vote.deadline_at
    if in_veto and vote.veto_until is not None:
        until = datetime.fromtimestamp(vote.veto_until, UTC)
    return VoteLine(
        kind=vote.kind,
        state="veto window" if in_veto else "open",
        for_=len(result.for_),
        against=len(result.against),
        abstain=len(result.abstain),
        voters=len(vote.voters),
        until=until,
    )


def advisory_counts(rows: Sequence[AdvisoryRow], allowed: float, now: float) -> AdvisoryCounts:
    """Advisories reported and published per year (newest first), open, and past deadline."""
    reported: Counter[int] = Counter()
    published: Counter[int] = Counter()
    still_open = overdue = 0
    for row in rows:
        year = datetime.fromtimestamp(row.reported_at, UTC).year
        reported[year] += 1
        published[year] += row.state == "published"
        if row.finished_at is None and row.state in ("triage", "draft"):
            still_open += 1
            overdue += now > row.reported_at + allowed
    years = tuple(YearCount(y, reported[y], published[y]) for y in sorted(reported, reverse=True))
    return AdvisoryCounts(years, still_open, overdue)
