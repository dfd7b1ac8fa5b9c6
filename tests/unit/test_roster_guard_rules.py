"""The roster guard's rule on facts alone: who joins quietly, who raises an alert, who goes."""

from __future__ import annotations

import pytest

from app.features.roster.guard import Addition, judge_addition


def test_a_member_added_by_a_passed_vote_is_admitted_whatever_else_is_true() -> None:
    assert judge_addition(Addition(True, None, "alice", enforce=True)) == "admitted"


@pytest.mark.parametrize("source", ["baseline", "vote"])
def test_a_member_warden_already_knows_raises_nothing(source: str) -> None:
    assert judge_addition(Addition(False, source, "alice", enforce=True)) == "known"  # type: ignore[arg-type]


def test_an_alerted_member_re_added_by_someone_named_gets_the_alert_completed() -> None:
    assert judge_addition(Addition(False, "alerted", "mallory", enforce=False)) == "name-sender"


def test_an_alerted_member_seen_again_without_a_sender_is_not_alerted_twice() -> None:
    assert judge_addition(Addition(False, "alerted", None, enforce=False)) == "known"


def test_an_unknown_member_is_reported_and_kept_without_enforce() -> None:
    assert judge_addition(Addition(False, None, "mallory", enforce=False)) == "alert"


def test_enforce_removes_an_unknown_member_but_never_an_admin() -> None:
    assert judge_addition(Addition(False, None, "mallory", enforce=True)) == "remove"
    admin = Addition(False, None, "mallory", enforce=True, admin=True)
    assert judge_addition(admin) == "alert-kept-admin"
