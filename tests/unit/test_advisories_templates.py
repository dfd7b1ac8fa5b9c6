"""The words Warden writes about an advisory, compared with golden files."""

from __future__ import annotations

from datetime import UTC, datetime

from app.features.advisories import templates as t
from app.features.advisories.model import CREDIT_TYPES
from tests.unit.test_orgconfig_templates import assert_golden

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
    assert t.tracking_title(GHSA, "tarfile: traversal") == f"{GHSA}: tarfile: traversal"
    assert t.tracking_title(GHSA, "  ") == f"{GHSA}: (no summary)"


def test_tracking_issue_with_coordinator_and_experts_matches_golden() -> None:
    text = body(coordinator="bob", experts=("erin", "python/ssl-experts"), state="draft")
    assert_golden("advisory-tracking-coordinated.md", text)


def test_digest_changes_with_what_the_issue_shows() -> None:
    assert t.digest_line(body()) == t.digest_line(body())
    assert t.digest_line(body()) != t.digest_line(body(state="draft"))


def test_coordinator_comment_says_why_and_matches_golden() -> None:
    unclaimed = t.coordinator_why("unclaimed", wait="3 days")
    left = t.coordinator_why("left", login="bob")
    text = "\n---\n".join(
        t.coordinator_comment(GHSA, "carol", why, "2026-05-30", REPORTED + 3 * 86400)
        for why in (unclaimed, left)
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


def test_finished_comments_match_golden() -> None:
    at = REPORTED + 40 * 86400
    text = "\n---\n".join(t.finished(GHSA, state, at) for state in ("closed", "published", "gone"))
    assert_golden("advisory-finished.md", text + "\n")


def test_experts_added_comment_names_them_without_notifying_and_matches_golden() -> None:
    text = t.experts_added(GHSA, ("erin", "python/ssl-experts"), REPORTED + 86400)
    assert "`@python/ssl-experts`" in text
    assert_golden("advisory-experts-added.md", text)


def test_put_back_comments_match_golden() -> None:
    text = "\n---\n".join(
        t.restored(GHSA, what, "triage", "bob", "5d7c0e00-1b2a-11f1-8f6e-0123456789ab")
        for what in ("closed", "edited", "unlabeled")
    )
    assert_golden("advisory-restored.md", text + "\n")


REPLY_VALUES: dict[str, dict[str, str]] = {
    "not_member": {"org": "python", "team": "psrt", "command": "credit"},
    "not_tracking": {"command": "coordinate"},
    "finished": {"ghsa_id": GHSA, "state": "published"},
    "coordinator": {"login": "alice", "ghsa_id": GHSA},
    "already_coordinator": {"login": "alice", "ghsa_id": GHSA},
    "coordinated_by": {"login": "bob", "ghsa_id": GHSA},
    "credited_otherwise": {"login": "alice", "kind": "finder", "ghsa_id": GHSA},
    "usage_credit": {"types": ", ".join(f"`{k}`" for k in CREDIT_TYPES)},
    "usage_expert": {},
    "credited": {"login": "erin", "kind": "analyst", "ghsa_id": GHSA},
    "already_credited": {"login": "erin", "kind": "finder", "ghsa_id": GHSA},
    "bot": {},
    "no_user": {"name": "@python/no-such-team", "org": "python"},
    "expert": {"name": "@python/ssl-experts", "ghsa_id": GHSA},
    "already_expert": {"name": "@erin", "ghsa_id": GHSA},
}


def test_every_command_reply_matches_golden() -> None:
    assert set(REPLY_VALUES) == set(t.REPLIES)  # a new reply is added to the golden file
    text = "".join(f"{key}: {t.reply(key, **REPLY_VALUES[key])}\n" for key in REPLY_VALUES)
    assert_golden("advisory-replies.md", text)


def test_replies_never_mention_a_team_named_in_a_command() -> None:
    for key in ("no_user", "expert", "already_expert", "not_member"):
        text = t.reply(key, **REPLY_VALUES[key])
        assert "@python/" not in text.replace("`@python/", ""), text


def test_comments_warden_finds_again_start_with_their_hidden_marker() -> None:
    at = REPORTED
    bodies = {
        "coordinator": t.coordinator_comment(GHSA, "carol", "why", "2026-05-30", at),
        "reminder": t.reminder(GHSA, "warn", None, "2026-05-30", 14, at),
        "advisory-finished": t.finished(GHSA, "gone", at),
        "experts": t.experts_added(GHSA, ("erin",), at),
        "tracking-restored": t.restored(GHSA, "edited", "draft", "bob", "d1"),
    }
    for kind, text in bodies.items():
        assert text.startswith(f"<!-- warden:{kind} id={GHSA} "), kind


def test_tracking_issue_of_an_archived_repository_says_nothing_changes_and_matches_golden() -> None:
    text = body(state="draft" + t.ARCHIVED, coordinator="bob")
    assert "Warden changes nothing in the advisory until it is unarchived" in text
    assert_golden("advisory-tracking-archived.md", text)
