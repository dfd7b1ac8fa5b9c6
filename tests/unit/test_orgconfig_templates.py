"""The words Warden posts about the org config, compared with golden files."""

from __future__ import annotations

import os
from pathlib import Path

from app.features.orgconfig import templates as t
from app.features.orgconfig.pull_check import line_annotations
from config import ConfigError, ConfigIssue, diff_summary, load_config, summarise
from config.check import ISSUE_MARKER

GOLDEN = Path(__file__).parents[1] / "golden"
FILE_URL = "https://github.com/python/.github/blob/0123abc/.github/warden.yml"
GOOD = "team: psrt\ngovernance_repo: psrt-governance\n"
CHANGED = GOOD + "admins: psrt-admins\nvotes:\n  nomination:\n    duration: 10d\n"
BROKEN = (
    "team: psrt\ngovernance_repo: psrt-governance\n"
    "votes:\n  nomination:\n    threshold: two thirds\n    duraton: 7d\n"
)


def assert_golden(name: str, text: str) -> None:
    """Compare with a golden file; ``UPDATE_GOLDEN=1`` rewrites it instead."""
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def broken_issues() -> list[ConfigIssue]:
    try:
        load_config(BROKEN)
    except ConfigError as exc:
        return exc.issues
    raise AssertionError("BROKEN loads")


def test_error_issue_body_matches_golden() -> None:
    body = t.error_issue_body(broken_issues(), FILE_URL)
    assert body.startswith(ISSUE_MARKER)
    assert_golden("config-error-issue.md", body)


def test_error_issue_digest_changes_only_with_the_problems() -> None:
    issues = broken_issues()
    assert t.digest(issues) == t.digest(list(reversed(issues)))
    assert t.digest(issues) != t.digest(issues[:1])


def test_check_run_success_summary_matches_golden() -> None:
    old, new = load_config(GOOD), load_config(CHANGED)
    title, summary = t.check_valid(summarise(new), diff_summary(old, new))
    assert title == "Valid: 2 settings would change"
    assert_golden("config-check-success.md", summary)


def test_check_run_for_a_first_config_says_it_would_set_warden_up() -> None:
    new = load_config(GOOD)
    title, _ = t.check_valid(summarise(new), diff_summary(None, new))
    assert title == "Valid: would set Warden up"


def test_check_run_failure_summary_matches_golden() -> None:
    title, summary = t.check_invalid(broken_issues(), FILE_URL)
    assert title == "Invalid: 2 problems"
    assert_golden("config-check-failure.md", summary)


def test_annotations_point_at_each_problem_line() -> None:
    notes = line_annotations(broken_issues())
    assert [(n["start_line"], n["title"]) for n in notes] == [
        (5, "votes.nomination.threshold"),
        (6, "votes.nomination.duraton"),
    ]


def test_not_set_up_reply_matches_golden() -> None:
    body = t.not_set_up_reply("python", "https://github.com/python/.github")
    assert body.startswith(t.NOT_SET_UP_MARKER)
    assert_golden("config-not-set-up.md", body)


def test_comments_closing_the_error_issue_match_golden() -> None:
    comments = [t.fixed_comment("0123abc"), t.fixed_comment(None), t.removed_comment()]
    assert all(c.startswith(t.FIXED_MARKER + "\n") for c in comments)
    assert_golden("config-closing-comments.md", "---\n".join(comments))


def test_check_run_for_a_removed_config_matches_golden() -> None:
    assert t.CHECK_REMOVED_TITLE == "Removes the Warden configuration"
    assert_golden("config-check-removed.md", t.CHECK_REMOVED)
