"""Pure advisory rules: title tags, merging credits and collaborators, who coordinates next,
when a reminder is due."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.features.advisories.model import (
    Advisory,
    Wanted,
    merged_credits,
    parse_advisory,
    patch_for,
    title_target,
    triage_wanted,
)
from app.features.advisories.records import Record, current_coordinator
from app.features.advisories.rules import (
    Load,
    days_left,
    pick_coordinator,
    reminder_due,
    reminder_level,
)
from app.features.advisories.sweep import repo_of
from config.model import ReminderConfig

DAY = 86400.0
RULES = ReminderConfig(timedelta(days=14), timedelta(days=7), timedelta(hours=23))
DEADLINE = timedelta(days=90)


def adv(**changes: Any) -> Advisory:
    data: dict[str, Any] = {
        "ghsa_id": "GHSA-xxxx-xxxx-xxxx",
        "summary": "bug",
        "state": "triage",
        "created_at": "2026-03-01T00:00:00Z",
        "author": {"login": "mallory", "type": "User"},
        "credits": [],
        "collaborating_users": [],
        "collaborating_teams": [],
    }
    data.update(changes)
    return parse_advisory(data, "cpython")


@pytest.mark.parametrize(
    ("summary", "state", "target"),
    [
        ("[ACCEPT] bug", "triage", "draft"),
        ("bug [accepted]", "triage", "draft"),
        ("[ACCEPT] bug", "draft", None),  # already there
        ("[Closed] bug", "triage", "closed"),
        ("[COMPLETED] bug", "draft", "closed"),
        ("[notplanned] bug", "triage", "closed"),
        ("[INVALID] bug", "triage", "closed"),
        ("[duplicate] bug", "draft", "closed"),
        ("[CLOSE] bug", "closed", None),
        ("[CLOSE] bug", "published", None),
        ("[ACCEPT] [CLOSE] bug", "triage", "closed"),  # closing wins
        ("ACCEPT bug", "triage", None),  # only bracketed tags count
        ("[ACCEPTABLE] bug", "triage", None),
        ("bug", "triage", None),
    ],
)
def test_title_tags_ask_for_a_state_as_psrt_ghsa_bot_reads_them(
    summary: str, state: str, target: str | None
) -> None:
    assert title_target(summary, state) == target


def test_reporter_is_credited_unless_already_credited_and_bots_never() -> None:
    assert patch_for(adv(), triage_wanted(adv(), "psrt")) == {
        "collaborating_teams": ["psrt"],
        "credits": [{"login": "mallory", "type": "reporter"}],
    }
    credited = adv(credits=[{"login": "Mallory", "type": "finder"}])
    assert "credits" not in patch_for(credited, triage_wanted(credited, "psrt"))
    bot = adv(author={"login": "scanner[bot]", "type": "Bot"})
    assert "credits" not in patch_for(bot, triage_wanted(bot, "psrt"))


def test_patch_keeps_existing_entries_and_is_empty_when_nothing_is_missing() -> None:
    current = adv(
        collaborating_teams=[{"slug": "PSRT"}],
        collaborating_users=[{"login": "frank"}],
        credits=[{"login": "mallory", "type": "reporter"}],
    )
    assert patch_for(current, triage_wanted(current, "psrt")) == {}
    body = patch_for(current, Wanted(users=("bob",), teams=("experts",)))
    assert body == {
        "collaborating_users": ["frank", "bob"],
        "collaborating_teams": ["PSRT", "experts"],
    }


logins = st.sampled_from(["alice", "bob", "carol", "dave", "x[bot]"])
kinds = st.sampled_from(["reporter", "finder", "coordinator", "other"])


@given(st.lists(st.tuples(logins, kinds)), st.lists(st.tuples(logins, kinds)))
def test_merging_credits_never_removes_or_retypes_and_credits_no_bot(
    existing: list[tuple[str, str]], additions: list[tuple[str, str]]
) -> None:
    merged = merged_credits(existing, additions)
    assert merged[: len(existing)] == tuple(existing)
    added = merged[len(existing) :]
    assert not any(who.endswith("[bot]") for who, _ in added)
    assert len({who for who, _ in added}) == len(added)
    assert not {who for who, _ in added} & {who for who, _ in existing}


def test_coordinator_is_the_eligible_member_with_fewest_open_then_least_recently_assigned() -> None:
    members = ["alice", "bob", "carol", "dave"]
    loads = {"alice": Load(1, 10.0), "bob": Load(1, 5.0), "carol": Load(2, 1.0)}
    assert pick_coordinator(members, ["dave"], loads) == "bob"
    assert pick_coordinator(members, [], loads) == "dave"  # never assigned, no open ones
    assert pick_coordinator(members, ["DAVE", "bob"], loads) == "alice"
    assert pick_coordinator(["dave"], ["dave"], loads) is None
    assert pick_coordinator(["x[bot]"], [], {}) is None


@pytest.mark.parametrize(
    ("days", "level"),
    [
        (0, None),
        (75.9, None),
        (76, "warn"),
        (82.9, "warn"),
        (83, "urgent"),
        (89.99, "urgent"),
        (90, "overdue"),
        (200, "overdue"),
    ],
)
def test_reminder_level_follows_the_deadline(days: float, level: str | None) -> None:
    assert reminder_level(0.0, DEADLINE, days * DAY, RULES) == level


def test_reminder_once_per_level_rise_urgent_ones_repeat_never_within_min_interval() -> None:
    assert reminder_due("warn", None, None, 76 * DAY, RULES)
    assert not reminder_due("warn", "warn", 76 * DAY, 80 * DAY, RULES)
    assert not reminder_due("urgent", "warn", 82.5 * DAY, 83 * DAY, RULES)
    assert reminder_due("urgent", "warn", 76 * DAY, 83 * DAY, RULES)
    assert not reminder_due("urgent", "urgent", 83 * DAY, 83.9 * DAY, RULES)
    assert reminder_due("urgent", "urgent", 83 * DAY, 84 * DAY, RULES)
    assert reminder_due("overdue", "urgent", 89 * DAY, 90 * DAY, RULES)
    assert not reminder_due(None, "overdue", 90 * DAY, 100 * DAY, RULES)


def test_days_left_counts_started_days() -> None:
    assert days_left(0.0, DEADLINE, 0.0) == 90
    assert days_left(0.0, DEADLINE, 89.5 * DAY) == 1
    assert days_left(0.0, DEADLINE, 90.5 * DAY) == -1


def test_repository_comes_from_the_advisory_url() -> None:
    url = "https://api.github.com/repos/python/cpython/security-advisories/GHSA-x"
    assert repo_of({"url": url}) == "cpython"


def test_the_credits_say_who_coordinates_once_they_name_someone_else() -> None:
    def coord(*logins: str) -> Advisory:
        return adv(credits=[{"login": who, "type": "coordinator"} for who in logins])

    mine = Record(1, "python", "cpython", "GHSA-x", 0.0, "triage", coordinator="Alice")
    assert current_coordinator(coord(), mine) == "Alice"  # credited again by Warden
    assert current_coordinator(coord("bob", "alice"), mine) == "Alice"
    assert current_coordinator(coord("bob"), mine) == "bob"
    assert current_coordinator(coord("bob", "carol"), mine.but(coordinator=None)) == "carol"
    assert current_coordinator(coord(), mine.but(coordinator=None)) is None


def test_an_advisory_drafted_by_maintainers_has_no_reporter_to_credit() -> None:
    drafted = adv(submission=None, author={"login": "alice", "type": "User"})
    assert drafted.reporter is None
    assert "credits" not in patch_for(drafted, triage_wanted(drafted, "psrt"))
    assert adv(submission={"accepted": False}).reporter == "mallory"
