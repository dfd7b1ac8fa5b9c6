"""The vote engine: count reaction votes and decide nominations and removals."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Literal

Denominator = Literal["cast", "eligible"]
Outcome = Literal["open", "passed", "failed"]

FOR, AGAINST, ABSTAIN = "+1", "-1", "eyes"
VOTE_CONTENTS = (FOR, AGAINST, ABSTAIN)


@dataclass(frozen=True)
class VoteRule:
    """How a vote is decided.

    ``threshold`` is the share of the denominator that must vote for:
    ``cast`` counts for + against (abstentions do not dilute), ``eligible``
    counts every binding voter. ``quorum`` is the number of binding votes
    (for, against *and* abstain: PEP 811 speaks of "votes", and an abstention
    is a vote that was cast) needed for the result to stand. With ``strict``,
    a result exactly at the threshold fails ("more than half"). ``min_open`` is the
    earliest a decided vote may close, counted from its opening; None (the default) keeps
    every vote open until its deadline (PEP 811: "open for one week").
    """

    threshold: Fraction
    denominator: Denominator = "cast"
    quorum: int = 0
    strict: bool = False
    duration: timedelta = timedelta(days=7)
    min_open: timedelta | None = None

    def __post_init__(self) -> None:
        if not 0 < self.threshold <= 1:
            raise ValueError(f"threshold must be above 0 and at most 1, not {self.threshold}")
        if self.denominator not in ("cast", "eligible"):
            raise ValueError(f"denominator must be 'cast' or 'eligible', not {self.denominator!r}")
        if self.quorum < 0:
            raise ValueError(f"quorum cannot be negative, not {self.quorum}")
        if self.duration <= timedelta(0):
            raise ValueError(f"duration must be positive, not {self.duration}")
        if self.min_open is not None and self.min_open < timedelta(0):
            raise ValueError(f"min_open cannot be negative, not {self.min_open}")

    def deadline_from(self, opened_at: datetime) -> datetime:
        """When a vote opened at ``opened_at`` closes."""
        return opened_at + self.duration

    def earliest_close(self, opened_at: datetime, deadline: datetime) -> datetime:
        """The earliest a decided vote opened at ``opened_at`` may close."""
        if self.min_open is None:
            return deadline
        return min(opened_at + self.min_open, deadline)


#: PEP 811 admission: at least two-thirds of the votes cast, open one week.
NOMINATION_RULE = VoteRule(threshold=Fraction(2, 3))
#: Removal by a simple vote: more than half of the votes cast.
REMOVAL_RULE = VoteRule(threshold=Fraction(1, 2), strict=True)


@dataclass(frozen=True)
class Reaction:
    """One reaction on the vote comment, as the reactions API lists it."""

    user: str
    content: str


def passes(rule: VoteRule, n_for: int, n_against: int, n_abstain: int, eligible: int) -> bool:
    """Whether final counts pass ``rule`` (``eligible`` = number of binding voters)."""
    if n_for < 1 or n_for + n_against + n_abstain < rule.quorum:
        return False
    base = n_for + n_against if rule.denominator == "cast" else eligible
    needed = rule.threshold * base
    return n_for > needed if rule.strict else n_for >= needed


def pass_rule_text(rule: VoteRule) -> str:
    """The pass rule in one sentence, for the vote comment."""
    share = "more than" if rule.strict else "at least"
    base = "the votes cast (for + against)" if rule.denominator == "cast" else "all binding voters"
    text = f"Passes when {share} {rule.threshold} of {base} vote for"
    if rule.quorum:
        text += f", with at least {rule.quorum} binding votes cast (abstentions count)"
    return text + "."


@dataclass(frozen=True)
class Tally:
    """Who voted how, and what that means for the outcome.

    ``for_`` (trailing underscore: ``for`` is a keyword), ``against``,
    ``abstain``, ``invalid`` and ``not_voted`` are binding voters' logins,
    sorted case-insensitively. ``non_binding`` maps a vote content (``+1``,
    ``-1``, ``eyes``) to the other people who reacted with it.
    """

    rule: VoteRule
    eligible: int
    for_: tuple[str, ...]
    against: tuple[str, ...]
    abstain: tuple[str, ...]
    invalid: tuple[str, ...]
    not_voted: tuple[str, ...]
    non_binding: Mapping[str, tuple[str, ...]] = field(hash=False)
    outcome: Outcome
    decided: bool
    closes_at: datetime
    closable: bool = False
    """Decided (or due) and past ``min_open``: the vote closes now."""
    earliest_close: datetime | None = None
    """When a decided vote may close (``min_open`` after opening, at most the deadline)."""

    def summary(self) -> str:
        """A one-line account of the tally, e.g. for a status line."""
        parts = [f"{len(self.for_)} for", f"{len(self.against)} against"]
        parts.append(f"{len(self.abstain)} abstain")
        if self.invalid:
            parts.append(f"{len(self.invalid)} invalid")
        parts.append(f"{len(self.not_voted)} not voted")
        return f"{', '.join(parts)} of {self.eligible} binding voters: {self.outcome}"


def _key(login: str) -> str:
    return login.casefold()


def _sorted(logins: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(logins, key=lambda login: (_key(login), login)))


def _choices(
    binding: Mapping[str, str], reactions: Iterable[Reaction]
) -> tuple[dict[str, set[str]], dict[str, set[str]], dict[str, str]]:
    """Split vote reactions into binding choices and non-binding ones.

    Returns (binding key -> contents, content -> non-binding logins,
    binding key -> the login as GitHub spells it in the reactions).
    """
    chosen: dict[str, set[str]] = {}
    others: dict[str, set[str]] = {}
    spelling: dict[str, str] = {}
    for reaction in reactions:
        if reaction.content not in VOTE_CONTENTS:
            continue
        key = _key(reaction.user)
        if key in binding:
            chosen.setdefault(key, set()).add(reaction.content)
            spelling.setdefault(key, reaction.user)
        else:
            others.setdefault(reaction.content, set()).add(reaction.user)
    return chosen, others, spelling


def _decide(rule: VoteRule, counts: tuple[int, int, int], free: int, eligible: int) -> Outcome:
    """The outcome if it is already fixed whatever ``free`` voters do, else ``open``.

    Passing is monotone: a free voter voting for never hurts, against never
    helps the threshold, and not voting never helps the quorum. So every
    completion passes iff "all free vote against" and "all free stay away"
    pass, and every completion fails iff "all free vote for" fails.
    """
    n_for, n_against, n_abstain = counts
    best = passes(rule, n_for + free, n_against, n_abstain, eligible)
    if not best:
        return "failed"
    all_against = passes(rule, n_for, n_against + free, n_abstain, eligible)
    if all_against and passes(rule, n_for, n_against, n_abstain, eligible):
        return "passed"
    return "open"


def _ballots(
    chosen: Mapping[str, set[str]], spelling: Mapping[str, str]
) -> tuple[dict[str, list[str]], list[str]]:
    """Binding choices by vote content, and the voters whose vote is invalid (several)."""
    by_content: dict[str, list[str]] = {content: [] for content in VOTE_CONTENTS}
    invalid: list[str] = []
    for key, contents in chosen.items():
        if len(contents) > 1:
            invalid.append(spelling[key])
        else:
            by_content[next(iter(contents))].append(spelling[key])
    return by_content, invalid


def _outcome(rule: VoteRule, counts: tuple[int, int, int], eligible: int, final: bool) -> Outcome:
    """The result at the close (``final``), or before it: decided early, or still open."""
    if final:
        return "passed" if passes(rule, *counts, eligible) else "failed"
    return _decide(rule, counts, eligible - sum(counts), eligible)


def tally(
    rule: VoteRule,
    voters: frozenset[str],
    reactions: Iterable[Reaction],
    *,
    excluded: frozenset[str] = frozenset(),
    deadline: datetime,
    now: datetime,
    opened_at: datetime | None = None,
) -> Tally:
    """Count the reactions on a vote comment against ``rule``.

    Binding voters are ``voters`` (the snapshot taken when the vote opened)
    minus ``excluded`` (the nominee), compared case-insensitively. A binding
    voter with more than one of 👍/👎/👀 has an invalid vote that counts for
    nothing. Reactions by anyone else are non-binding and only shown.

    At or after ``deadline`` the outcome is final. Before it, the vote is
    ``decided`` early when no choice of the binding voters who have not cast
    a valid vote (those who have not voted, and those whose vote is invalid
    and who may still fix it) can change the result. Valid votes already cast
    are treated as final, as gitvote and PEP 811's admins count them, even
    though GitHub would let a voter swap a reaction until the close.

    A decided vote is ``closable`` from ``rule.min_open`` after ``opened_at`` (at once
    without ``opened_at``); until then the tally says the outcome but the vote stays open.
    """
    left_out = {_key(login) for login in excluded}
    binding = {_key(v): v for v in voters if _key(v) not in left_out}
    chosen, others, spelling = _choices(binding, reactions)
    by_content, invalid = _ballots(chosen, spelling)
    counts = (len(by_content[FOR]), len(by_content[AGAINST]), len(by_content[ABSTAIN]))
    eligible = len(binding)
    earliest = deadline if opened_at is None else rule.earliest_close(opened_at, deadline)
    outcome = _outcome(rule, counts, eligible, final=now >= deadline)
    return Tally(
        rule=rule,
        eligible=eligible,
        for_=_sorted(by_content[FOR]),
        against=_sorted(by_content[AGAINST]),
        abstain=_sorted(by_content[ABSTAIN]),
        invalid=_sorted(invalid),
        not_voted=_sorted(login for key, login in binding.items() if key not in chosen),
        non_binding={c: _sorted(others[c]) for c in VOTE_CONTENTS if c in others},
        outcome=outcome,
        decided=outcome != "open",
        closes_at=deadline,
        closable=outcome != "open" and (opened_at is None or now >= earliest),
        earliest_close=earliest,
    )
