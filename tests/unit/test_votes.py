"""Tests for the vote engine: example behaviours and properties against brute force."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from fractions import Fraction

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from app.features.votes.tally import (
    NOMINATION_RULE,
    REMOVAL_RULE,
    Denominator,
    Reaction,
    Tally,
    VoteRule,
    pass_rule_text,
    passes,
    tally,
)

OPENED = datetime(2026, 11, 17, 12, 0, tzinfo=UTC)
DEADLINE = OPENED + timedelta(days=7)
BEFORE = DEADLINE - timedelta(hours=1)
MEMBERS = frozenset({"alice", "bob", "carol", "dave", "erin", "frank"})


def votes(**by_user: str) -> list[Reaction]:
    """Reactions from keyword arguments: ``alice="+1 eyes"`` gives two reactions."""
    return [Reaction(user, content) for user, cs in by_user.items() for content in cs.split()]


def count(
    reactions: list[Reaction],
    rule: VoteRule = NOMINATION_RULE,
    voters: frozenset[str] = MEMBERS,
    now: datetime = DEADLINE,
    excluded: frozenset[str] = frozenset(),
) -> Tally:
    return tally(rule, voters, reactions, excluded=excluded, deadline=DEADLINE, now=now)


# Example behaviours


def test_vote_with_two_reactions_from_one_voter_is_invalid() -> None:
    result = count(votes(alice="+1 -1", bob="+1"))
    assert result.invalid == ("alice",)
    assert result.for_ == ("bob",)
    assert "alice" not in result.not_voted


def test_invalid_vote_counts_for_nothing() -> None:
    result = count(votes(alice="+1 eyes", bob="-1"))
    assert result.outcome == "failed"
    assert (result.for_, result.abstain) == ((), ())


def test_reactions_from_non_members_are_non_binding() -> None:
    result = count(votes(alice="+1", mallory="-1", trent="-1 +1"))
    assert result.against == ()
    assert result.non_binding == {"+1": ("trent",), "-1": ("mallory", "trent")}
    assert result.outcome == "passed"


def test_reaction_of_the_nominee_never_binds() -> None:
    result = count(votes(alice="+1", bob="-1"), excluded=frozenset({"BOB"}))
    assert result.against == ()
    assert result.non_binding == {"-1": ("bob",)}
    assert result.eligible == len(MEMBERS) - 1
    assert "bob" not in result.not_voted


def test_other_reaction_contents_are_ignored() -> None:
    result = count(votes(alice="+1 heart rocket", mallory="laugh"))
    assert result.for_ == ("alice",)
    assert result.invalid == ()
    assert result.non_binding == {}


def test_four_for_one_against_one_abstain_passes_at_two_thirds_of_cast() -> None:
    result = count(votes(alice="+1", bob="+1", carol="+1", dave="+1", erin="-1", frank="eyes"))
    assert result.outcome == "passed"
    assert result.decided


def test_abstentions_do_not_dilute_a_cast_denominator() -> None:
    result = count(votes(alice="+1", bob="+1", carol="-1", dave="eyes", erin="eyes"))
    assert result.outcome == "passed"


def test_eligible_denominator_counts_voters_who_stayed_away() -> None:
    rule = VoteRule(Fraction(2, 3), denominator="eligible")
    four = count(votes(alice="+1", bob="+1", carol="+1", dave="+1"), rule)
    three = count(votes(alice="+1", bob="+1", carol="+1"), rule)
    assert (four.outcome, three.outcome) == ("passed", "failed")


def test_quorum_not_met_fails_at_the_deadline() -> None:
    rule = VoteRule(Fraction(2, 3), quorum=3)
    assert count(votes(alice="+1", bob="+1"), rule).outcome == "failed"


def test_abstentions_count_toward_the_quorum() -> None:
    rule = VoteRule(Fraction(2, 3), quorum=3)
    assert count(votes(alice="+1", bob="+1", carol="eyes"), rule).outcome == "passed"


def test_logins_are_compared_case_insensitively() -> None:
    voters = frozenset({"Alice", "bob"})
    reactions = [Reaction("ALICE", "+1"), Reaction("alice", "-1"), Reaction("Bob", "+1")]
    result = count(reactions, voters=voters)
    assert result.invalid == ("ALICE",)
    assert result.for_ == ("Bob",)
    assert result.non_binding == {}


def test_not_voted_keeps_the_snapshot_spelling_and_sorts_case_insensitively() -> None:
    result = count([], voters=frozenset({"zed", "Amy", "bob"}))
    assert result.not_voted == ("Amy", "bob", "zed")


def test_no_votes_at_all_never_passes() -> None:
    assert count([]).outcome == "failed"
    assert count([], voters=frozenset()).outcome == "failed"


def test_only_abstentions_never_pass() -> None:
    assert count(votes(alice="eyes", bob="eyes")).outcome == "failed"


def test_exact_two_thirds_passes_unless_strict() -> None:
    reactions = votes(alice="+1", bob="+1", carol="-1")
    strict = VoteRule(Fraction(2, 3), strict=True)
    assert count(reactions).outcome == "passed"
    assert count(reactions, strict).outcome == "failed"


def test_removal_needs_more_than_half_of_votes_cast() -> None:
    tie = count(votes(alice="+1", bob="+1", carol="-1", dave="-1"), REMOVAL_RULE)
    majority = count(votes(alice="+1", bob="+1", carol="+1", dave="-1", erin="-1"), REMOVAL_RULE)
    assert (tie.outcome, majority.outcome) == ("failed", "passed")


def test_undecided_vote_stays_open_before_the_deadline() -> None:
    result = count(votes(alice="+1", bob="-1"), now=BEFORE)
    assert (result.outcome, result.decided) == ("open", False)
    assert result.closes_at == DEADLINE


def test_vote_passes_early_when_remaining_voters_cannot_stop_it() -> None:
    # 5 of 6 for: even if frank votes against, 5/6 >= 2/3.
    result = count(votes(alice="+1", bob="+1", carol="+1", dave="+1", erin="+1"), now=BEFORE)
    assert (result.outcome, result.decided) == ("passed", True)


def test_vote_fails_early_when_remaining_voters_cannot_save_it() -> None:
    result = count(votes(alice="-1", bob="-1", carol="-1"), now=BEFORE)
    assert (result.outcome, result.decided) == ("failed", True)


def test_invalid_voter_may_still_fix_their_vote_so_it_stays_open() -> None:
    five = votes(alice="+1", bob="+1", carol="-1", dave="+1", erin="+1", frank="+1 -1")
    assert count(five, now=BEFORE).outcome == "passed"
    four = votes(alice="+1", bob="-1", carol="-1", dave="+1", erin="+1", frank="+1 -1")
    assert count(four, now=BEFORE).outcome == "open"


def test_vote_with_no_binding_voters_is_decided_failed_at_once() -> None:
    result = count([], voters=frozenset(), now=OPENED)
    assert (result.outcome, result.decided) == ("failed", True)


def test_deadline_is_opening_time_plus_duration() -> None:
    assert NOMINATION_RULE.deadline_from(OPENED) == DEADLINE
    assert REMOVAL_RULE.duration == timedelta(days=7)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"threshold": Fraction(0)},
        {"threshold": Fraction(4, 3)},
        {"threshold": Fraction(1, 2), "quorum": -1},
        {"threshold": Fraction(1, 2), "duration": timedelta(0)},
        {"threshold": Fraction(1, 2), "denominator": "everyone"},
    ],
)
def test_vote_rule_rejects_impossible_settings(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        VoteRule(**kwargs)  # type: ignore[arg-type]


def test_pass_rule_text_states_share_base_and_quorum() -> None:
    assert pass_rule_text(NOMINATION_RULE) == (
        "Passes when at least 2/3 of the votes cast (for + against) vote for."
    )
    quorum = VoteRule(Fraction(1, 2), denominator="eligible", strict=True, quorum=4)
    assert pass_rule_text(quorum) == (
        "Passes when more than 1/2 of all binding voters vote for,"
        " with at least 4 binding votes cast (abstentions count)."
    )


def test_summary_lists_counts_and_outcome() -> None:
    result = count(votes(alice="+1", bob="+1 -1", carol="eyes"), now=BEFORE)
    assert result.summary() == (
        "1 for, 0 against, 1 abstain, 1 invalid, 3 not voted of 6 binding voters: open"
    )


# Properties

CONTENTS = ("+1", "-1", "eyes")
USERS = [f"user{i}" for i in range(10)]

rules = st.builds(
    VoteRule,
    threshold=st.integers(1, 6).flatmap(lambda q: st.integers(1, q).map(lambda p: Fraction(p, q))),
    denominator=st.sampled_from(["cast", "eligible"]),
    quorum=st.integers(0, 5),
    strict=st.booleans(),
)
# For each possible user: the set of contents they reacted with (mostly one vote,
# leaning "for" so that early passes are common too).
one_ballot = st.one_of(
    st.sampled_from([{"+1"}, {"+1"}, {"+1"}, {"-1"}, {"eyes"}, set()]).map(frozenset),
    st.frozensets(st.sampled_from((*CONTENTS, "heart"))),
)
ballots = st.lists(one_ballot, min_size=10, max_size=10)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[VoteRule, frozenset[str], list[Reaction]]:
    rule = draw(rules)
    n_voters = draw(st.integers(0, 8))
    voters = frozenset(USERS[:n_voters])
    reactions = [
        Reaction(draw(st.sampled_from([user, user.upper()])), content)
        for user, contents in zip(USERS, draw(ballots), strict=True)
        for content in sorted(contents)
    ]
    return rule, voters, draw(st.permutations(reactions))


def brute_force(voters: frozenset[str], reactions: list[Reaction]) -> dict[str, list[str]]:
    """Each binding voter's state, counted the slow and obvious way."""
    states: dict[str, list[str]] = {"+1": [], "-1": [], "eyes": [], "invalid": [], "none": []}
    for voter in voters:
        mine = {r.content for r in reactions if r.user.lower() == voter and r.content in CONTENTS}
        state = "none" if not mine else mine.pop() if len(mine) == 1 else "invalid"
        states[state].append(voter)
    return states


def lower(logins: tuple[str, ...]) -> list[str]:
    return sorted(login.lower() for login in logins)


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_tally_matches_a_brute_force_count(
    scenario: tuple[VoteRule, frozenset[str], list[Reaction]],
) -> None:
    rule, voters, reactions = scenario
    result = count(reactions, rule, voters)
    expected = brute_force(voters, reactions)
    assert lower(result.for_) == sorted(expected["+1"])
    assert lower(result.against) == sorted(expected["-1"])
    assert lower(result.abstain) == sorted(expected["eyes"])
    assert lower(result.invalid) == sorted(expected["invalid"])
    assert lower(result.not_voted) == sorted(expected["none"])
    counts = (len(expected["+1"]), len(expected["-1"]), len(expected["eyes"]))
    wanted = "passed" if brute_passes(rule, *counts, len(voters)) else "failed"
    assert (result.outcome, result.decided) == (wanted, True)


def brute_passes(rule: VoteRule, n_for: int, n_against: int, n_abstain: int, n: int) -> bool:
    """The pass rule of SPEC 5.1 in whole numbers (for >= p/q of the base, i.e. for*q >= p*base;
    strictly more with `strict`), written apart from the engine's."""
    if n_for == 0 or n_for + n_against + n_abstain < rule.quorum:
        return False
    base = n_for + n_against if rule.denominator == "cast" else n
    p, q = rule.threshold.numerator, rule.threshold.denominator
    return n_for * q > p * base if rule.strict else n_for * q >= p * base


@settings(max_examples=200, deadline=None)
@given(scenarios(), st.data())
def test_decided_outcome_never_changes_whatever_remaining_voters_do(
    scenario: tuple[VoteRule, frozenset[str], list[Reaction]], data: st.DataObject
) -> None:
    rule, voters, reactions = scenario
    early = count(reactions, rule, voters, now=BEFORE)
    free = early.not_voted + early.invalid
    fixable = {login.lower() for login in early.invalid}
    later = [r for r in reactions if r.user.lower() not in fixable]
    for user in free:
        later += [Reaction(user, c) for c in data.draw(st.frozensets(st.sampled_from(CONTENTS)))]
    final = count(later, rule, voters)
    event(f"early: {early.outcome}")
    if not early.decided:
        return
    assert final.outcome == early.outcome
    kept = [r for r in reactions if r.user.lower() not in fixable]
    for content in (None, *CONTENTS):  # every remaining voter stays away, or all vote alike
        extreme = kept + [Reaction(user, content) for user in free if content]
        assert count(extreme, rule, voters).outcome == early.outcome


def completions(free: int) -> list[tuple[int, int, int]]:
    """Every (for, against, abstain) split of ``free`` voters, some staying away."""
    return [
        (x, y, z) for x, y, z in itertools.product(range(free + 1), repeat=3) if x + y + z <= free
    ]


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_early_decision_is_exactly_when_every_completion_agrees(
    scenario: tuple[VoteRule, frozenset[str], list[Reaction]],
) -> None:
    rule, voters, reactions = scenario
    early = count(reactions, rule, voters, now=BEFORE)
    fixed = (len(early.for_), len(early.against), len(early.abstain))
    free = len(early.not_voted) + len(early.invalid)
    results = {
        passes(rule, fixed[0] + x, fixed[1] + y, fixed[2] + z, early.eligible)
        for x, y, z in completions(free)
    }
    assert early.decided == (len(results) == 1)
    if early.decided:
        assert early.outcome == ("passed" if results.pop() else "failed")


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 6).flatmap(lambda q: st.tuples(st.integers(1, q), st.just(q))),
    st.integers(1, 4),
    st.booleans(),
)
def test_votes_exactly_at_the_threshold_pass_only_when_not_strict(
    share: tuple[int, int], scale: int, strict: bool
) -> None:
    p, q = share
    rule = VoteRule(Fraction(p, q), strict=strict)
    assert passes(rule, p * scale, (q - p) * scale, 0, q * scale) is (not strict)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1, 6).flatmap(lambda q: st.tuples(st.integers(1, q), st.just(q))),
    st.integers(1, 3),
    st.sampled_from(["cast", "eligible"]),
    st.booleans(),
)
def test_a_tally_exactly_at_the_threshold_passes_only_when_not_strict(
    share: tuple[int, int], scale: int, denominator: Denominator, strict: bool
) -> None:
    p, q = share
    rule = VoteRule(Fraction(p, q), denominator=denominator, strict=strict)
    voters = frozenset(f"voter{i}" for i in range(q * scale))
    ayes = sorted(voters)[: p * scale]
    # cast: the rest vote against; eligible: the rest stay away. Either way for = p/q exactly.
    rest = [] if denominator == "eligible" else sorted(voters)[p * scale :]
    reactions = [Reaction(v, "+1") for v in ayes] + [Reaction(v, "-1") for v in rest]
    result = count(reactions, rule, voters)
    assert result.outcome == ("failed" if strict else "passed")


def test_two_of_three_passes_two_thirds_and_fails_it_when_strict_for_both_denominators() -> None:
    voters = frozenset({"alice", "bob", "carol"})
    cases: list[tuple[Denominator, list[Reaction]]] = [
        ("cast", votes(alice="+1", bob="+1", carol="-1")),  # 2 of 3 votes cast
        ("eligible", votes(alice="+1", bob="+1")),  # 2 of 3 voters, carol stays away
    ]
    for denominator, reactions in cases:
        for strict, outcome in ((False, "passed"), (True, "failed")):
            rule = VoteRule(Fraction(2, 3), denominator=denominator, strict=strict)
            assert count(reactions, rule, voters).outcome == outcome


@settings(max_examples=200, deadline=None)
@given(rules, st.integers(0, 10), st.integers(0, 10), st.integers(0, 10))
def test_an_extra_vote_for_never_turns_a_pass_into_a_fail(
    rule: VoteRule, n_for: int, n_against: int, n_abstain: int
) -> None:
    eligible = n_for + n_against + n_abstain + 1
    if passes(rule, n_for, n_against, n_abstain, eligible):
        assert passes(rule, n_for + 1, n_against, n_abstain, eligible)


def test_min_open_holds_a_decided_vote_open_until_it_has_passed() -> None:
    rule = VoteRule(threshold=Fraction(2, 3), min_open=timedelta(days=3))
    ballots = votes(alice="+1", bob="+1", carol="+1", dave="+1", erin="+1")

    def at(now: datetime) -> Tally:
        return tally(rule, MEMBERS, ballots, deadline=DEADLINE, now=now, opened_at=OPENED)

    early = at(OPENED + timedelta(days=1))
    assert (early.outcome, early.decided, early.closable) == ("passed", True, False)
    later = at(OPENED + timedelta(days=3))
    assert (later.outcome, later.closable) == ("passed", True)


def test_without_min_open_a_decided_vote_closes_only_at_its_deadline() -> None:
    ballots = votes(alice="+1", bob="+1", carol="+1", dave="+1", erin="+1")

    def at(now: datetime) -> Tally:
        return tally(
            NOMINATION_RULE, MEMBERS, ballots, deadline=DEADLINE, now=now, opened_at=OPENED
        )

    before = at(DEADLINE - timedelta(seconds=1))
    assert (before.decided, before.closable) == (True, False)
    assert at(DEADLINE).closable
