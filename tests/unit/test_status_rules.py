"""The status page's rules on facts alone: counts per year, open and overdue, admins marked."""

from __future__ import annotations

from datetime import UTC, datetime

from app.features.status.rules import AdvisoryRow, OrgFacts, advisory_counts, org_status
from config import load_config

CONFIG = load_config("team: psrt\ngovernance_repo: psrt-governance\n")
DAY = 86400.0


def at(year: int, month: int = 6) -> float:
    return datetime(year, month, 1, tzinfo=UTC).timestamp()


def test_advisories_are_counted_per_year_newest_first_with_open_and_overdue() -> None:
    now = at(2026, 12)
    rows = [
        AdvisoryRow(at(2025), "published", at(2025, 8)),
        AdvisoryRow(at(2025), "closed", at(2025, 7)),
        AdvisoryRow(at(2026, 11), "draft", None),  # open, within 90 days
        AdvisoryRow(at(2026, 1), "triage", None),  # open, far past 90 days
    ]
    counts = advisory_counts(rows, 90 * DAY, now)
    assert [(y.year, y.reported, y.published) for y in counts.years] == [(2026, 2, 0), (2025, 2, 1)]
    assert (counts.open, counts.overdue) == (2, 1)


def test_members_are_sorted_without_regard_to_case_and_admins_are_marked() -> None:
    facts = OrgFacts("python", CONFIG, members=["bob", "Alice", "carol"], admins=["alice"])
    status = org_status(facts, at(2026))
    assert status.members == (("Alice", True), ("bob", False), ("carol", False))


def test_an_organisation_github_did_not_answer_for_shows_nothing_but_that() -> None:
    facts = OrgFacts("python", CONFIG, members=["bob"], unavailable=True)
    status = org_status(facts, at(2026))
    assert status.unavailable and status.members == () and status.advisories == ()
