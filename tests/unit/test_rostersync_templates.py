"""The words the roster sync posts (alerts, the pull request, commits), against golden files."""

from __future__ import annotations

import os
from pathlib import Path

from app.features.roster import templates as t
from app.features.roster.listfile import Row
from app.features.roster.rules import NotesChange, RosterDiff
from config.loader import load_config
from tests.roster_world import config_text

GOLDEN = Path(__file__).parents[1] / "golden"
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


def test_alerts_about_the_member_team_itself_match_golden() -> None:
    alerts = [
        t.team_deleted_alert("python", "psrt", "alice"),
        t.team_renamed_alert("python", "psrt", "security-response", "alice"),
        t.team_missing_alert("python", "psrt"),
    ]
    for _, body in alerts:  # one alert at a time: each replaces the other in place
        assert body.splitlines()[0] == t.alert_marker("team-deleted", "psrt")
    assert_golden("roster-alert-team.md", "\n---\n\n".join(titled(a) for a in alerts))


def test_comments_on_the_pull_request_and_on_closed_alerts_match_golden() -> None:
    comments = {
        "stale": t.PULL_STALE_COMMENT,
        "declined": t.PULL_DECLINED_COMMENT,
        "retired": t.PULL_RETIRED_COMMENT,
        "updated": t.pull_update_comment(DIFF, ("ivan",)),
        "unauthorised fixed": t.unauthorised_fixed_comment("mallory"),
        "admins fixed": t.admins_fixed_comment(["bob", "alice"]),
        "removals confirmed": t.removals_done_comment("alice"),
    }
    # Warden finds these again on the pull request (closed by itself, declined, its own).
    assert t.PULL_STALE_COMMENT.startswith(t.PULL_CLOSED_MARKER + "\n")
    assert t.PULL_RETIRED_COMMENT.startswith(t.PULL_CLOSED_MARKER + "\n")
    assert t.PULL_DECLINED_COMMENT.startswith(t.PULL_DECLINED_MARKER + "\n")
    assert comments["updated"].startswith(t.PULL_MARKER + "\n")
    text = "".join(f"## {name}\n\n{body}\n\n" for name, body in comments.items())
    assert_golden("roster-comments.md", text)


def test_replies_to_roster_confirm_match_golden() -> None:
    replies = [t.UNKNOWN_SUBCOMMAND, t.NOT_ALERT, t.NOTHING_PAUSED, t.NOT_ADMIN]
    assert_golden("roster-replies.md", "".join(reply + "\n" for reply in replies))
