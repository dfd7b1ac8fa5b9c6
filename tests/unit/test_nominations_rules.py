"""Pure parts of nominations: the nominee parser, the config-to-engine rule, the comment texts
(golden files)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from fractions import Fraction

from app.features.votes import templates as t
from app.features.votes.opening import engine_rule
from app.features.votes.parse import nominee_of, nominees
from app.features.votes.records import Vote
from app.features.votes.tally import Reaction, tally
from app.github.markdown import inert
from config import load_config
from tests.unit.test_orgconfig_templates import assert_golden

OPENED = datetime(2026, 11, 17, 12, 0, tzinfo=UTC)
CONFIG = load_config(
    "team: psrt\ngovernance_repo: psrt-governance\n"
    "votes:\n  nomination:\n    veto: {team: steering-council, window: 7d}\n"
)
VOTERS = frozenset({"alice", "bob", "carol", "dave", "erin", "frank"})


def test_nominee_line_and_form_field_are_read_and_duplicates_merged() -> None:
    assert nominee_of("Nominee: @Grace\n\nReasons") == "Grace"
    assert nominee_of("**Nominee:** grace") == "grace"
    form = "### Nominee\n\n@grace\n\n### Why\n\nNominee: @GRACE"
    assert nominees(form) == ["GRACE"]  # the same person named twice is one nominee
    assert nominees("Nominee: @a-b\nNominee: @c") == ["a-b", "c"]
    assert nominee_of("Nominee: @a-b\nNominee: @c") is None
    assert nominee_of("I nominate @grace") is None
    assert nominee_of("Nominee: @-bad") is None


def test_removal_profile_from_the_defaults_is_a_strict_simple_majority_in_the_engine() -> None:
    rule = engine_rule(CONFIG.votes.removal)
    assert (rule.threshold, rule.denominator, rule.strict) == (Fraction(1, 2), "cast", True)
    assert CONFIG.voters_team(CONFIG.votes.removal) == "psrt"
    deadline = OPENED + rule.duration
    tie = [Reaction("alice", "+1"), Reaction("bob", "-1")]
    majority = [*tie, Reaction("carol", "+1")]
    assert tally(rule, VOTERS, tie, deadline=deadline, now=deadline).outcome == "failed"
    assert tally(rule, VOTERS, majority, deadline=deadline, now=deadline).outcome == "passed"


def test_nomination_profile_from_the_defaults_is_pep_811() -> None:
    rule = engine_rule(CONFIG.votes.nomination)
    assert (rule.threshold, rule.denominator, rule.strict) == (Fraction(2, 3), "cast", False)
    assert rule.duration == timedelta(days=7)


def sample_vote(**changes: object) -> Vote:
    vote = Vote(
        installation_id=1,
        org="python",
        repo="psrt-governance",
        issue_number=12,
        kind="nomination",
        nominee="grace",
        nominator="alice",
        team="psrt",
        rule=engine_rule(CONFIG.votes.nomination),
        voters=VOTERS,
        voters_team="psrt",
        opened_at=OPENED.timestamp(),
        deadline=(OPENED + timedelta(days=7)).timestamp(),
        veto_team="steering-council",
        veto_window=7 * 86400.0,
        comment_id=99,
    )
    return vote.but(**changes)


REACTIONS = [
    Reaction("alice", "+1"),
    Reaction("bob", "+1"),
    Reaction("carol", "+1"),
    Reaction("dave", "+1"),
    Reaction("erin", "-1"),
    Reaction("frank", "eyes"),
    Reaction("mallory", "-1"),
]


def test_open_vote_comment_matches_golden() -> None:
    vote = sample_vote()
    now = OPENED + timedelta(hours=30)
    result = tally(
        vote.rule,
        vote.voters,
        [*REACTIONS[:2], Reaction("bob", "eyes")],
        deadline=vote.deadline_at,
        now=now,
    )
    assert_golden("vote-open.md", t.open_comment(vote, result, now, "psrt"))


def test_veto_window_result_matches_golden() -> None:
    closed = OPENED + timedelta(days=2)
    vote = sample_vote(state="veto", veto_until=(closed + timedelta(days=7)).timestamp())
    result = tally(vote.rule, vote.voters, REACTIONS, deadline=vote.deadline_at, now=closed)
    body = t.result_comment(vote, result, "Closed early.", t.veto_window_note(vote))
    assert_golden("vote-veto-window.md", body)


def test_result_after_a_veto_window_without_veto_matches_golden() -> None:
    closed = OPENED + timedelta(days=2)
    vote = sample_vote(state="veto", veto_until=(closed + timedelta(days=7)).timestamp())
    result = tally(vote.rule, vote.voters, REACTIONS, deadline=vote.deadline_at, now=closed)
    waiting = t.result_comment(vote, result, "Closed early.", t.veto_window_note(vote))
    over = t.veto_window_over(vote.but(state="passed"), waiting)
    assert over != waiting
    assert_golden("vote-veto-window-over.md", over)


def test_failed_result_matches_golden() -> None:
    vote = sample_vote(state="failed")
    reactions = [Reaction("alice", "+1"), Reaction("bob", "-1"), Reaction("carol", "-1")]
    result = tally(
        vote.rule, vote.voters, reactions, deadline=vote.deadline_at, now=vote.deadline_at
    )
    assert_golden("vote-failed.md", t.result_comment(vote, result, "Closed at its deadline."))


def test_onboarding_issue_matches_golden() -> None:
    onboarding = CONFIG.onboarding
    title, body = t.onboarding_issue(
        sample_vote(), onboarding.checklist, invited=True, venues=onboarding.venues
    )
    assert title == "Onboarding @grace"
    assert_golden("vote-onboarding.md", body)


def test_relative_deadline_reads_naturally() -> None:
    assert t.relative(timedelta(days=6, hours=23, minutes=59, seconds=40)) == "in 7 days"
    assert t.relative(timedelta(hours=5, minutes=3)) == "in 5 hours, 3 minutes"
    assert t.relative(timedelta(seconds=-5)) == "now"


def test_every_reason_a_vote_closed_matches_golden() -> None:
    values = {
        "deadline": {"at": "2026-11-24 12:00 UTC"},
        "early": {"at": "2026-11-20 08:15 UTC"},
        "cancelled_by": {"who": "alice"},
        "vetoed_by": {"who": "sc-member"},
        "issue_closed": {"who": "bob"},
        "joined": {"who": "grace", "org": "python", "team": "psrt"},
        "resigned": {"who": "dave"},
        "left": {"who": "dave", "org": "python", "team": "psrt"},
    }
    assert set(values) == set(t.CLOSED)  # a new reason is added to the golden file
    text = "".join(f"{key}: {t.closed_why(key, **values[key])}\n" for key in values)
    assert_golden("vote-closed-reasons.md", text)


def test_every_refusal_of_a_nomination_matches_golden() -> None:
    values: dict[str, dict[str, object]] = {
        "not_member": {"org": "python", "team": "psrt", "opener": "mallory"},
        "nominee_count": {"found": "names 2 nominees"},
        "not_user": {"login": "grcae"},
        "not_person": {"login": "python-bots"},
        "member": {"login": "grace", "org": "python", "team": "psrt"},
        "invited": {"login": "grace", "org": "python", "team": "psrt"},
        "nominated": {"login": "grace", "number": 11},
    }
    assert set(values) == set(t.REFUSALS)
    text = "\n".join(t.refusal(t.refusal_reason(key, **values[key])) for key in values)
    assert all(line.startswith(t.REFUSED_MARKER) for line in text.split("\n\n"))
    assert_golden("nomination-refusals.md", text)


def test_every_command_reply_is_addressed_to_its_author_and_matches_golden() -> None:
    hostile = "/vote @python/psrt <!-- warden:vote issue=1 --> `x`"
    values = {
        "no_vote": {"word": inert("/veto")},
        "status_closed": {"state": "passed, in its veto window"},
        "unknown": {"line": inert(hostile)},
        "cancel_denied": {"nominator": "alice"},
        "already_closed": {"state": "failed"},
        "extend_denied": {},
        "bad_duration": {
            "error": t.duration_problem('"@python/psrt" is not a duration', " @python/psrt")
        },
        "extend_lost": {},
        "no_veto": {},
        "veto_denied": {"org": "python", "team": "steering-council"},
        "still_open": {},
        "window_ended": {"ended": "2026-12-01 12:00 UTC"},
        "nothing_to_veto": {"state": "failed"},
        "changed": {"state": "cancelled"},
    }
    assert set(values) == set(t.REPLIES)
    text = "".join(t.reply("bob", key, **values[key]) + "\n" for key in values)
    assert "`` /vote @python/psrt <!-- warden:vote issue=1 --> `x` ``" in text  # inert
    assert_golden("vote-replies.md", text)


def test_label_and_reposted_comment_notes_match_golden() -> None:
    text = "\n".join(
        [
            t.label_restored("bob", t.PASSED, added=True),
            t.label_restored("bob", t.VOTE_OPEN, added=False),
            t.comment_reposted(4242),
        ]
    )
    assert text.startswith(t.LABEL_MARKER)
    assert_golden("vote-guard-notes.md", text + "\n")


def test_cancelled_and_vetoed_results_match_golden() -> None:
    closed = OPENED + timedelta(days=1)
    cancelled = sample_vote(state="cancelled")
    vetoed = sample_vote(state="vetoed", veto_until=(closed + timedelta(days=7)).timestamp())
    result = tally(vetoed.rule, vetoed.voters, REACTIONS, deadline=vetoed.deadline_at, now=closed)
    text = "\n---\n".join(
        [
            t.result_comment(cancelled, None, t.closed_why("cancelled_by", who="alice")),
            t.result_comment(vetoed, result, t.closed_why("vetoed_by", who="sc-member")),
        ]
    )
    assert_golden("vote-stopped.md", text)


def test_decided_vote_under_the_default_rule_stays_open_and_says_so_golden() -> None:
    vote = sample_vote()
    now = OPENED + timedelta(days=2)
    opened = datetime.fromtimestamp(vote.opened_at, UTC)
    args = (vote.rule, vote.voters, REACTIONS)
    result = tally(*args, deadline=vote.deadline_at, now=now, opened_at=opened)
    assert (result.outcome, result.decided, result.closable) == ("passed", True, False)
    assert_golden("vote-open-decided.md", t.open_comment(vote, result, now, "psrt"))


def test_removal_vote_comment_and_result_name_the_removal_golden() -> None:
    rule = engine_rule(CONFIG.votes.removal)
    vote = sample_vote(kind="removal", nominee="dave", rule=rule, veto_team=None, veto_window=0.0)
    now = OPENED + timedelta(hours=1)
    result = tally(vote.rule, vote.voters, [], deadline=vote.deadline_at, now=now)
    body = t.open_comment(vote, result, now, "steering-council")
    closed = t.result_comment(vote.but(state="passed"), result, "Closed at its deadline.")
    assert_golden("vote-removal.md", body + "\n---\n\n" + closed)


def test_a_vote_keeps_the_min_open_it_opened_with() -> None:
    from app.features.votes.records import _rule, rule_json

    stored = rule_json(sample_vote())
    assert _rule(stored)[0].min_open is None  # the default: open until the deadline
    before_min_open = stored.replace(', "min_open": null', "")
    assert "min_open" not in before_min_open
    assert _rule(before_min_open)[0].min_open == timedelta(0)  # closed once decided, still
