"""The words the roster sync posts (alerts, the pull request, commits), against golden files."""

from __future__ import annotations

import os
from pathlib import Path

from app.roster import NotesChange, RosterDiff
from app.rosterlist import Row
from app.rostersync import templates as t
from config.loader import load_config
from tests.roster_world import config_text

GOLDEN = Path(__file__).parent / "golden"
DIFF = RosterDiff(
    added=("mallory",),
    removed=("dave", "erin"),
    rejoined=("oscar",),
    notes_changed=(NotesChange("carol", (), ("Release Manager",)),),
)


def assert_golden(name: str, text: str) -> None:
    """Compare with a golden file; ``UPDATE_GOLDEN=1`` rewrites it instead."""
    golden = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def titled(pair: tuple[str, str]) -> str:
    title, body = pair
    return f"# {title}\n\n{body}\n"


def test_pull_request_body_lists_every_change_and_pending_invitations() -> None:
    assert_golden("roster-pull-body.md", t.pull_body("python", "psrt", DIFF, ("ivan",)) + "\n")


def test_rows_taken_off_the_list_are_not_called_leavers() -> None:
    lines = t.change_lines(RosterDiff(dropped=("mallory",)), ())
    assert lines == ["- taken off the list (never in the team): @mallory"]


def test_commit_message_lists_the_changes() -> None:
    assert_golden("roster-commit-message.txt", t.commit_message("python", "psrt", DIFF))


def test_alert_for_an_addition_without_a_vote_names_who_added_them() -> None:
    kept = t.unauthorised_alert("python", "psrt", "mallory", "alice", removed=False)
    removed = t.unauthorised_alert("python", "psrt", "mallory", "alice", removed=True)
    unknown = t.unauthorised_alert("python", "psrt", "mallory", None, removed=False)
    text = titled(kept) + "\n---\n\n" + titled(removed) + "\n---\n\n" + titled(unknown)
    assert_golden("roster-alert-unauthorised.md", text)


def test_alert_for_fewer_than_two_admins() -> None:
    assert_golden("roster-alert-admins.md", titled(t.admins_alert("python", "psrt", ["alice"])))


def test_alert_for_a_paused_mass_removal_asks_for_roster_confirm() -> None:
    alert = t.removals_alert("python", "psrt", ["dave", "Bob", "erin"], 8, 0.25)
    assert_golden("roster-alert-removals.md", titled(alert))


def test_alert_quoting_rows_for_people_never_in_the_team() -> None:
    lines = [
        t.never_member_line(Row("Mallory Moss", "mallory", ("Observer", "Chair"))),
        t.never_member_line(Row("", "trent")),
    ]
    by_pull = t.never_members_alert("python", load_config(config_text("pull_request")), lines)
    by_commit = t.never_members_alert("python", load_config(config_text()), lines[:1])
    text = titled(by_pull) + "\n---\n\n" + titled(by_commit)
    assert_golden("roster-alert-never-members.md", text)
    assert by_pull[1].splitlines()[0] == t.alert_marker("never-members")


def test_every_alert_carries_its_hidden_marker() -> None:
    bodies = [
        t.unauthorised_alert("python", "psrt", "Mallory", "alice", removed=False)[1],
        t.admins_alert("python", "psrt", [])[1],
        t.removals_alert("python", "psrt", ["dave"], 3, 0.25)[1],
        t.team_deleted_alert("python", "psrt", "alice")[1],
    ]
    markers = [
        t.alert_marker("unauthorised", "mallory"),
        t.alert_marker("admins"),
        t.alert_marker("removals"),
        t.alert_marker("team-deleted", "psrt"),
    ]
    assert [body.splitlines()[0] for body in bodies] == markers
