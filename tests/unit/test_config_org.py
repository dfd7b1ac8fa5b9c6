"""Checks against the organisation's facts: teams and repositories exist, governance is private."""

from __future__ import annotations

from pathlib import Path

from config.issues import ConfigIssue
from config.loader import load_config
from config.org import OrgFacts, check_against_org

SPEC_EXAMPLE = (Path(__file__).parents[1] / "data" / "warden-spec-example.yml").read_text()
ALL_TEAMS = frozenset({"psrt", "release-managers", "steering-council"})
ALL_REPOS = {
    "psrt-governance": True,
    "devguide": False,
    "cpython": False,
    "advisory-database": False,
}


def test_an_org_with_every_named_team_and_repo_passes() -> None:
    config = load_config(SPEC_EXAMPLE)
    assert check_against_org(config, OrgFacts(ALL_TEAMS, ALL_REPOS, org="python")) == []


def test_missing_teams_are_reported_at_each_place_they_are_named() -> None:
    config = load_config(SPEC_EXAMPLE)
    issues = check_against_org(config, OrgFacts(frozenset({"PSRT"}), ALL_REPOS))
    found = [(issue.line, issue.path) for issue in issues]
    assert found == [
        (5, "notes.release-managers"),
        (13, "votes.nomination.veto.team"),
        (14, "votes.removal.voters"),
        (16, "inactivity.exempt_teams[0]"),
        (16, "inactivity.exempt_teams[1]"),
        (21, "advisories.coordinator.exclude_teams[0]"),
        (21, "advisories.coordinator.exclude_teams[1]"),
    ]
    assert issues[1].message == (
        'there is no team "steering-council" in the organisation; create it, or write the slug '
        "of an existing team (the last part of the team's URL)."
    )


def test_missing_repositories_are_reported() -> None:
    text = SPEC_EXAMPLE.replace("repos: all", "repos: [cpython, typeshed]", 1)
    issues = check_against_org(
        load_config(text), OrgFacts(ALL_TEAMS, {"psrt-governance": True, "CPython": False})
    )
    assert issues == [
        ConfigIssue(
            "roster.repo",
            7,
            'Warden cannot see a repository "devguide"; create it, or add it to the '
            "repositories the app is installed on.",
        ),
        ConfigIssue(
            "advisories.repos[1]",
            18,
            'Warden cannot see a repository "typeshed"; create it, or add it to the '
            "repositories the app is installed on.",
        ),
        ConfigIssue(
            "advisories.publish.osv.repo",
            29,
            'Warden cannot see a repository "advisory-database"; create it, or add it to the '
            "repositories the app is installed on.",
        ),
    ]


def test_a_public_governance_repository_is_refused() -> None:
    config = load_config(SPEC_EXAMPLE)
    facts = OrgFacts(ALL_TEAMS, {**ALL_REPOS, "psrt-governance": False})
    assert check_against_org(config, facts) == [
        ConfigIssue(
            "governance_repo",
            2,
            '"psrt-governance" is public, so nominations and vulnerability reports would be '
            "visible to everyone; make it private or name a private repository.",
        )
    ]


def test_org_team_experts_are_checked_and_people_are_not() -> None:
    text = "team: psrt\ngovernance_repo: gov\nadvisories:\n  experts:\n" + (
        "    'Lib/ssl.py': [bob, '@python/ssl-experts', '@other/team']\n"
    )
    facts = OrgFacts(frozenset({"psrt"}), {"gov": True}, org="Python")
    assert [(i.path, i.line) for i in check_against_org(load_config(text), facts)] == [
        ("advisories.experts.Lib/ssl.py[1]", 5)
    ]


def test_admins_team_is_checked_unless_it_is_the_maintainers() -> None:
    text = "team: psrt\ngovernance_repo: gov\nadmins: psrt-admins\n"
    issues = check_against_org(load_config(text), OrgFacts(frozenset({"psrt"}), {"gov": True}))
    assert [(i.path, i.line) for i in issues] == [("admins", 3)]
