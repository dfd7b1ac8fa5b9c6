"""The inactivity rules (pure) and the offboarding texts (golden files)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.features.offboarding import templates as t
from app.features.offboarding.rules import (
    Activity,
    last_activity,
    latest_due,
    proposed,
    review,
    review_due,
    to_remove,
)
from tests.unit.test_orgconfig_templates import assert_golden

NOW = datetime(2027, 1, 20, 9, 0, tzinfo=UTC)
SINCE = NOW - timedelta(days=365)
MEMBERS = ["alice", "bob", "carol", "dave", "erin", "frank", "heidi", "ivan"]


def act(login: str, days_ago: float, what: str = "comment on #3") -> Activity:
    link = "https://github.com/python/psrt-governance/issues/3#issuecomment-1"
    return Activity(login, NOW - timedelta(days=days_ago), what, link)


def test_activity_before_the_window_does_not_count_and_the_latest_one_is_kept() -> None:
    found = last_activity([act("Bob", 400), act("bob", 30), act("bob", 10, "later")], SINCE)
    assert found["bob"].what == "later"
    assert "bob" in found and len(found) == 1


def test_review_puts_the_inactive_first_and_proposes_only_the_non_exempt() -> None:
    standings = review(MEMBERS, [act("erin", 3), act("frank", 300)], SINCE, ["carol"])
    assert [s.login for s in standings][:6] == ["alice", "bob", "carol", "dave", "heidi", "ivan"]
    assert proposed(standings) == ["alice", "bob", "dave", "heidi", "ivan"]
    older = review(["bob"], [act("bob", 400)], SINCE, [])
    assert older[0].inactive and older[0].last is not None  # shown, but before the window


def test_a_yearly_review_is_due_once_after_its_day() -> None:
    assert latest_due(NOW, "01-15", "yearly") == datetime(2027, 1, 15, tzinfo=UTC)
    assert review_due(NOW, "01-15", "yearly", None)
    assert not review_due(NOW, "01-15", "yearly", NOW - timedelta(days=2))
    assert review_due(NOW, "01-15", "yearly", NOW - timedelta(days=6))
    assert latest_due(NOW, "02-01", "yearly") == datetime(2026, 2, 1, tzinfo=UTC)
    assert not review_due(NOW, "01-15", "never", None)


def test_quarterly_reviews_fall_every_three_months_and_a_31st_is_the_months_last_day() -> None:
    assert latest_due(NOW, "10-31", "quarterly") == datetime(2026, 10, 31, tzinfo=UTC)
    assert latest_due(datetime(2027, 5, 1, tzinfo=UTC), "11-30", "quarterly") == datetime(
        2027, 2, 28, tzinfo=UTC
    )


def test_warned_members_who_replied_or_were_active_stay_the_rest_are_removed() -> None:
    result = to_remove(
        ["dave", "heidi", "ivan", "gone"],
        replied=["DAVE"],
        active_since={"ivan": act("ivan", 1)},
        members=MEMBERS,
        team_size=len(MEMBERS),
    )
    assert (result.remove, result.kept, result.held) == (("heidi",), ("dave", "ivan"), False)


def test_removing_more_than_a_quarter_of_the_team_at_once_removes_nobody() -> None:
    result = to_remove(["alice", "bob", "dave"], [], {}, MEMBERS, len(MEMBERS))
    assert (result.remove, result.held) == ((), True)


def test_review_issue_matches_golden() -> None:
    activities = [act("erin", 3), act("bob", 500, "coordinator of GHSA-abcd-efgh-ijkl")]
    standings = review(MEMBERS[:6], activities, SINCE, ["carol"])
    body = t.review_body(
        org="python",
        team="psrt",
        steering="steering-council",
        since=SINCE,
        now=NOW,
        standings=standings,
        exempt_by={"carol": "release-managers"},
        count=("advisories",),
    )
    warned = t.review_body(
        org="python",
        team="psrt",
        steering="steering-council",
        since=SINCE,
        now=NOW,
        standings=standings,
        exempt_by={"carol": "release-managers"},
        count=("advisories", "votes"),
        warn=proposed(standings),
        remove_after=NOW + timedelta(days=14),
    )
    assert_golden("inactivity-review.md", body + "\n---\n\n" + warned)


def test_offboarding_issue_and_replies_match_golden() -> None:
    title, body = t.offboarding_issue(
        "python", "psrt", "dave", "resigned with `/resign` in #7", ["the list", "the chat"]
    )
    values = {"org": "python", "team": "psrt", "voters": "steering-council", "login": "erin"}
    values |= {"issue": 9, "command": "resign"}
    replies = [t.reply("dave", key, **values) for key in t.REPLIES]
    outcome = t.review_outcome(["heidi"], ["dave"], held=False)
    held = t.review_outcome(["a", "b", "c"], [], held=True)
    assert_golden("offboarding.md", "\n\n".join([title, body, *replies, outcome, held]) + "\n")


def test_report_counts_the_years_inactivity_reviews_and_every_way_of_leaving_once() -> None:
    from app.features.advisories.report import MemberChange, Review, as_text, figures

    year = datetime(2026, 6, 1, tzinfo=UTC).timestamp()
    changes = [
        MemberChange("python", "dave", "removal", year),  # the passed removal vote
        MemberChange("python", "dave", "removal", year + 60),  # ...its member.removed entry
        MemberChange("python", "carol", "removal", year),  # a resignation
    ]
    reviews = [Review("python", year, 4, 3, 1), Review("python", year - 400 * 86400, 9, 9, 9)]
    f = figures(2026, "python", [], changes, reviews)
    assert (f.left, f.reviews, f.inactive, f.proposed, f.removed_inactive) == (
        ("carol", "dave"),
        1,
        4,
        3,
        1,
    )
    text = as_text(f)
    assert "inactivity reviews: 1 (4 inactive, 3 proposed for removal, 1 removed" in text
