"""Loading warden.yml over the defaults: valid files, and every kind of error with path and line."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction
from pathlib import Path

import pytest

from config.issues import ConfigError, ConfigIssue
from config.loader import default_text, load_config, merge
from config.schema_export import key_docs
from config.yamltree import read_yaml

DATA = Path(__file__).parents[1] / "data"
MINIMAL = "team: psrt\ngovernance_repo: psrt-governance\n"


def issues_of(text: str) -> list[ConfigIssue]:
    with pytest.raises(ConfigError) as caught:
        load_config(text)
    return caught.value.issues


def only_issue(text: str) -> ConfigIssue:
    issues = issues_of(text)
    assert len(issues) == 1, issues
    return issues[0]


def test_shipped_defaults_with_team_and_governance_repo_are_valid() -> None:
    config = load_config(MINIMAL)
    assert config.team == "psrt"
    assert config.governance_repo == "psrt-governance"
    assert config.admins_are_maintainers
    assert config.votes.nomination.threshold == Fraction(2, 3)
    assert config.votes.nomination.duration == timedelta(days=7)
    assert config.votes.removal.strict is True
    assert config.advisories.coordinator.assign_after == timedelta(days=3)
    assert config.advisories.deadline == timedelta(days=90)
    assert config.inactivity.period == timedelta(days=365)
    assert config.collaborating_team == "psrt"
    assert config.schedule.votes == timedelta(minutes=10)
    assert config.schedule.advisories == timedelta(minutes=15)
    assert config.schedule.roster == timedelta(days=1)
    assert len(config.onboarding.checklist) == 4


def test_the_onboarding_checklist_covers_policy_2fa_venues_and_embargo() -> None:
    checklist = " ".join(load_config(MINIMAL).onboarding.checklist).lower()
    for topic in ("security policy", "handbook", "two-factor", "mailing list", "chat", "embargo"):
        assert topic in checklist


def test_every_key_in_the_shipped_defaults_is_documented_by_a_comment() -> None:
    text = default_text()
    docs = key_docs(text)
    keys = [path for path in read_yaml(text).lines if not path.endswith("]")]
    assert len(keys) > 50
    undocumented = [path for path in keys if not docs.get(path)]
    assert undocumented == []


def test_spec_example_file_is_valid_and_parses_to_its_values() -> None:
    config = load_config((DATA / "warden-spec-example.yml").read_text())
    assert (config.team, config.governance_repo, config.admins) == (
        "psrt",
        "psrt-governance",
        "maintainers",
    )
    assert dict(config.notes) == {"release-managers": "Release Manager"}
    roster = config.roster
    assert (roster.repo, roster.path, roster.emeritus_path, roster.via) == (
        "devguide",
        "security/psrt.csv",
        "security/psrt-emeritus.csv",
        "pull_request",
    )
    nomination = config.votes.nomination
    assert nomination.duration == timedelta(days=7)
    assert nomination.threshold == Fraction(2, 3)
    assert (nomination.denominator, nomination.quorum, nomination.voters) == ("cast", 0, "team")
    assert (nomination.veto.team, nomination.veto.window) == ("steering-council", timedelta(days=7))
    removal = config.votes.removal
    assert (removal.threshold, removal.strict, removal.voters) == (
        Fraction(1, 2),
        True,
        "steering-council",
    )
    assert config.voters_team(removal) == "steering-council"
    assert config.voters_team(nomination) == "psrt"
    inactivity = config.inactivity
    assert inactivity.period == timedelta(days=365)
    assert inactivity.grace == timedelta(days=14)
    assert inactivity.exempt_teams == ("release-managers", "steering-council")
    assert (inactivity.report, inactivity.action) == ("yearly", "report")
    advisories = config.advisories
    assert (advisories.repos, advisories.collaborating_team, advisories.tracking_issues) == (
        "all",
        "psrt",
        True,
    )
    assert advisories.coordinator.assign_after == timedelta(days=3)
    assert advisories.coordinator.exclude_teams == ("release-managers", "steering-council")
    assert advisories.deadline == timedelta(days=90)
    reminders = advisories.reminders
    assert (reminders.warn_before, reminders.urgent_before, reminders.min_interval) == (
        timedelta(days=14),
        timedelta(days=7),
        timedelta(hours=23),
    )
    assert dict(advisories.experts) == {"Lib/tarfile.py": ("alice",), "Lib/ssl.py": ("bob",)}
    assert (advisories.codeowners, advisories.cve) == (True, "github")


def test_yaml_syntax_error_is_reported_with_its_line() -> None:
    text = MINIMAL + "votes:\n  nomination: {duration: 7d\n  removal: {}\n"
    assert only_issue(text) == ConfigIssue(
        "",
        5,
        "the file is not valid YAML (expected ',' or '}', but got ':'); check the indentation, "
        "colons and quotes on this line and the one before it.",
    )


def test_unknown_key_suggests_the_closest_known_key() -> None:
    text = MINIMAL + "votes:\n  nomination:\n    treshold: 3/4\n"
    assert only_issue(text) == ConfigIssue(
        "votes.nomination.treshold",
        5,
        '"treshold" is not a setting Warden knows; did you mean "threshold"?',
    )


def test_unknown_key_without_a_close_match_lists_the_keys_of_its_group() -> None:
    issue = only_issue(MINIMAL + "schedule:\n  backups: 1d\n")
    assert issue.path == "schedule.backups"
    assert issue.line == 4
    assert issue.message == (
        '"backups" is not a setting Warden knows; remove it or fix its spelling '
        "(the keys here are votes, advisories, roster, inactivity)."
    )


def test_wrong_type_says_what_was_expected_and_what_was_found() -> None:
    issue = only_issue(MINIMAL + "roster:\n  enforce: sometimes\n")
    assert issue == ConfigIssue(
        "roster.enforce", 4, 'expected true or false, found "sometimes"; write it like true.'
    )


def test_single_value_where_a_list_belongs_suggests_the_list_form() -> None:
    issue = only_issue(MINIMAL + "inactivity:\n  exempt_teams: release-managers\n")
    assert issue == ConfigIssue(
        "inactivity.exempt_teams",
        4,
        'expected a list, found "release-managers"; write it like [release-managers].',
    )


def test_value_where_a_group_belongs_shows_the_group_form() -> None:
    issue = only_issue(MINIMAL + "roster: devguide\n")
    assert issue == ConfigIssue(
        "roster",
        3,
        'expected a group of keys indented on the lines below it, found "devguide"; '
        "write it like repo: psrt-governance.",
    )


def test_bad_duration_is_reported_with_path_and_line() -> None:
    issue = only_issue(MINIMAL + "votes:\n  nomination:\n    duration: 7 days\n")
    assert issue == ConfigIssue(
        "votes.nomination.duration",
        5,
        '"7 days" is not a duration; write a whole number followed by s, m, h, d or w, '
        "like 7d or 36h.",
    )


def test_unitless_duration_asks_for_a_unit() -> None:
    issue = only_issue(MINIMAL + "advisories:\n  deadline: 90\n")
    assert issue == ConfigIssue(
        "advisories.deadline", 4, '"90" has no unit; write it like 90d (days) or 90h.'
    )


def test_zero_duration_is_refused_except_where_documented() -> None:
    issue = only_issue(MINIMAL + "votes:\n  nomination:\n    duration: 0d\n")
    assert issue.message == '"0d" is zero; write a positive duration like 7d.'
    config = load_config(
        MINIMAL + "inactivity:\n  grace: 0s\nadvisories:\n  coordinator:\n    assign_after: 0s\n"
    )
    assert config.inactivity.grace == timedelta(0)
    assert config.advisories.coordinator.assign_after == timedelta(0)


def test_bad_fraction_is_reported_with_path_and_line() -> None:
    issue = only_issue(MINIMAL + "votes:\n  nomination:\n    threshold: two thirds\n")
    assert issue == ConfigIssue(
        "votes.nomination.threshold",
        5,
        '"two thirds" is not a fraction; write it like 2/3 or 66.7%.',
    )


def test_fraction_above_one_is_refused() -> None:
    issue = only_issue(MINIMAL + "votes:\n  removal: {threshold: 3/2}\n")
    assert (issue.path, issue.line) == ("votes.removal.threshold", 4)
    assert issue.message == '"3/2" is more than 1 (all); write it like 2/3 or 66.7%.'


def test_percentage_threshold_is_exact() -> None:
    config = load_config(MINIMAL + "votes:\n  nomination: {threshold: 66.7%}\n")
    assert config.votes.nomination.threshold == Fraction(667, 1000)


def test_bad_enum_value_lists_the_allowed_values_and_suggests_one() -> None:
    issue = only_issue(MINIMAL + "votes:\n  nomination:\n    denominator: casts\n")
    assert issue == ConfigIssue(
        "votes.nomination.denominator",
        5,
        '"casts" is not one of cast, eligible (did you mean "cast"?); write one of them.',
    )


def test_missing_required_keys_are_each_reported() -> None:
    assert issues_of("admins: maintainers\n") == [
        ConfigIssue(
            "governance_repo",
            None,
            "this key is required and has no default; add it, like governance_repo: "
            "psrt-governance.",
        ),
        ConfigIssue(
            "team", None, "this key is required and has no default; add it, like team: psrt."
        ),
    ]


def test_required_key_written_without_a_value_points_at_its_line() -> None:
    issue = only_issue("governance_repo: gov\nteam:\n")
    assert issue == ConfigIssue(
        "team", 2, "this key has no value; write one after the colon, like team: psrt."
    )


def test_team_name_instead_of_slug_explains_what_a_slug_is() -> None:
    issue = only_issue("team: Python Security\ngovernance_repo: gov\n")
    assert issue == ConfigIssue(
        "team",
        1,
        '"Python Security" is not a team slug (the last part of the team\'s URL); '
        "write it like psrt.",
    )


def test_key_written_twice_is_reported_on_its_second_line() -> None:
    issue = only_issue(MINIMAL + "team: security\n")
    assert issue == ConfigIssue("team", 3, "this key is written twice (also on line 1); keep one.")


def test_repos_must_be_all_or_a_list() -> None:
    issue = only_issue(MINIMAL + "advisories:\n  repos: cpython\n")
    assert issue == ConfigIssue(
        "advisories.repos",
        4,
        'expected all or a list of repository names, found "cpython"; write it like [cpython].',
    )
    config = load_config(MINIMAL + "advisories:\n  repos: [cpython, devguide]\n")
    assert config.advisories.repos == ("cpython", "devguide")


def test_bad_item_in_a_list_points_at_the_item_line() -> None:
    text = MINIMAL + "advisories:\n  experts:\n    Lib/ssl.py:\n      - bob\n      - not a login\n"
    assert only_issue(text) == ConfigIssue(
        "advisories.experts.Lib/ssl.py[1]",
        7,
        '"not a login" is not a login or @org/team; write it like alice.',
    )


def test_reminders_must_come_before_the_deadline_in_order() -> None:
    text = MINIMAL + "advisories:\n  deadline: 10d\n  reminders: {warn_before: 14d}\n"
    assert only_issue(text) == ConfigIssue(
        "advisories.reminders.warn_before",
        5,
        "14d is not shorter than deadline (10d); make warn_before shorter or deadline longer.",
    )


def test_a_file_that_is_not_a_mapping_says_what_shape_it_needs() -> None:
    assert only_issue("- team: psrt\n") == ConfigIssue(
        "", 1, "the file must be a group of keys, one per line, like team: psrt."
    )


def test_an_alias_bomb_is_refused_quickly() -> None:
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    lines += [
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    ]
    issue = only_issue("\n".join(lines) + "\n")
    assert issue.message.startswith("the file is too large or repeats anchors too often")


def test_all_errors_are_reported_in_one_pass_in_file_order() -> None:
    text = (
        "team: Python Security\n"  # 1
        "governance_repo: gov\n"  # 2
        "votes:\n"  # 3
        "  nomination:\n"  # 4
        "    threshold: two thirds\n"  # 5
        "    duration: 7\n"  # 6
        "    denominator: all\n"  # 7
        "  removal:\n"  # 8
        "    strict: maybe\n"  # 9
        "inactivity: {period: 1y, action: delete}\n"  # 10
        "advisories:\n"  # 11
        "  cve: nvd\n"  # 12
        "schedul:\n"  # 13
        "  votes: 5m\n"  # 14
    )
    found = [(issue.line, issue.path) for issue in issues_of(text)]
    assert found == [
        (1, "team"),
        (5, "votes.nomination.threshold"),
        (6, "votes.nomination.duration"),
        (7, "votes.nomination.denominator"),
        (9, "votes.removal.strict"),
        (10, "inactivity.action"),
        (10, "inactivity.period"),
        (12, "advisories.cve"),
        (13, "schedul"),
    ]


def test_an_invalid_file_never_yields_a_partial_config() -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(MINIMAL + "votes:\n  nomination:\n    threshold: 5/3\n")
    assert "votes.nomination.threshold" in str(caught.value)


def test_user_values_merge_over_defaults_and_lists_replace() -> None:
    text = MINIMAL + (
        "votes:\n  nomination:\n    threshold: 3/4\n"
        "onboarding:\n  checklist: [Say hello]\n"
        "roster:\n#  repo: devguide\n"
    )
    config = load_config(text)
    assert config.votes.nomination.threshold == Fraction(3, 4)
    assert config.votes.nomination.duration == timedelta(days=7)
    assert config.onboarding.checklist == ("Say hello",)
    assert config.roster.path == "security/members.csv"


def test_merge_is_deep_for_mappings_only() -> None:
    base = {"a": {"b": 1, "c": [1, 2]}, "d": 1}
    assert merge(base, {"a": {"c": [3]}}) == {"a": {"b": 1, "c": [3]}, "d": 1}
    assert merge(base, {"a": None}) == base


def test_custom_defaults_replace_the_shipped_ones() -> None:
    defaults = default_text().replace("threshold: 2/3", "threshold: 3/4")
    config = load_config(MINIMAL, defaults=defaults)
    assert config.votes.nomination.threshold == Fraction(3, 4)


def test_key_lines_are_kept_for_later_messages_but_not_compared() -> None:
    config = load_config(MINIMAL + "roster:\n  repo: devguide\n")
    assert config.lines["roster.repo"] == 4
    assert config == load_config("\n\n" + MINIMAL + "roster:\n  repo: devguide\n")
