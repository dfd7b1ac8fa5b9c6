"""The words Warden writes about an advisory, compared with golden files."""

from __future__ import annotations

from datetime import UTC, datetime

from app.advisories import templates as t
from app.advisories.model import CREDIT_TYPES
from tests.test_orgconfig_templates import assert_golden

GHSA = "GHSA-m6rv-3342-2222"
REPORTED = datetime(2026, 3, 1, tzinfo=UTC).timestamp()


def body(**overrides: object) -> str:
    values: dict[str, object] = {
        "ghsa_id": GHSA,
        "url": f"https://github.com/python/cpython/security/advisories/{GHSA}",
        "repo": "python/cpython",
        "summary": "tarfile: path | traversal",
        "severity": "high",
        "state": "triage",
        "reporter": "mallory",
        "coordinator": None,
        "assign_when": "on 2026-03-04",
        "experts": (),
        "deadline": t.deadline_text(REPORTED + 90 * 86400, 90),
        "types": CREDIT_TYPES,
    }
    values.update(overrides)
    return t.tracking_body(**values)  # type: ignore[arg-type]


def test_tracking_issue_body_matches_golden() -> None:
    text = body()
    assert text.startswith(t.marker(GHSA))
    assert_golden("advisory-tracking.md", text)


def test_tracking_issue_with_coordinator_and_experts_matches_golden() -> None:
    text = body(coordinator="bob", experts=("erin", "python/ssl-experts"), state="draft")
    assert_golden("advisory-tracking-coordinated.md", text)


def test_digest_changes_with_what_the_issue_shows() -> None:
    assert t.digest_line(body()) == t.digest_line(body())
    assert t.digest_line(body()) != t.digest_line(body(state="draft"))


def test_coordinator_comment_matches_golden() -> None:
    text = t.coordinator_comment(
        GHSA, "carol", "no one took it within 3 days", "2026-05-30", REPORTED + 3 * 86400
    )
    assert_golden("advisory-coordinator.md", text)


def test_reminders_match_golden() -> None:
    text = "\n---\n".join(
        [
            t.reminder(GHSA, "warn", "bob", "2026-05-30", 14, REPORTED + 76 * 86400),
            t.reminder(GHSA, "urgent", "bob", "2026-05-30", 7, REPORTED + 83 * 86400),
            t.reminder(GHSA, "overdue", None, "2026-05-30", 1, REPORTED + 91 * 86400 + 1800),
        ]
    )
    assert_golden("advisory-reminders.md", text)


def test_deadline_text_counts_days_left_or_overdue() -> None:
    assert t.deadline_text(REPORTED, 12) == "2026-03-01 (12 days left)"
    assert t.deadline_text(REPORTED, -3) == "2026-03-01 (overdue by 3 days)"
    assert t.deadline_text(REPORTED, 0) == "2026-03-01 (overdue by 1 day)"
    assert t.deadline_text(REPORTED, 1) == "2026-03-01 (1 day left)"
