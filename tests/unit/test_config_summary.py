"""The Markdown summary of a config and the list of what a new config would change (golden)."""

from __future__ import annotations

from pathlib import Path

from config.loader import load_config
from config.summary import diff_summary, summarise

SPEC_EXAMPLE = (Path(__file__).parents[1] / "data" / "warden-spec-example.yml").read_text()
MINIMAL = "team: psrt\ngovernance_repo: psrt-governance\n"

SPEC_SUMMARY = """\
**Warden configuration**

- Team: `psrt`
- Governance repository: `psrt-governance`
- Admins: the maintainers of `psrt`
- Notes on the public list: `release-managers`: Release Manager
- Public list: `security/psrt.csv` in `devguide` (csv, by pull request; emeritus list \
`security/psrt-emeritus.csv`)
- Votes:
  - nomination: 2/3 of votes cast, 7 days, veto by steering-council within 7 days
  - removal: more than 1/2 of votes cast, 7 days, voters: steering-council
- Inactivity: after 365 days without activity; yearly report (01-15); exempt: release-managers, \
steering-council
- Advisories: all repositories; `psrt` added to each advisory; tracking issues; coordinator \
assigned after 3 days (never from release-managers, steering-council); deadline 90 days \
(reminders 14d and 7d before); 2 expert rules and CODEOWNERS; CVEs from GitHub
"""


def test_summary_of_the_spec_example() -> None:
    assert summarise(load_config(SPEC_EXAMPLE)) == SPEC_SUMMARY


def test_summary_words_for_quorum_eligible_voters_removal_and_no_public_list() -> None:
    text = MINIMAL + (
        "admins: security-admins\n"
        "votes:\n  nomination: {denominator: eligible, quorum: 3, threshold: 66.7%}\n"
        "inactivity: {action: remove, grace: 0s, report: never}\n"
        "advisories: {repos: [cpython], cve: none, codeowners: false, tracking_issues: false}\n"
    )
    summary = summarise(load_config(text))
    assert "- Admins: the members of `security-admins`" in summary
    assert "- Public list: not kept (set `roster.repo` to keep one)" in summary
    assert "  - nomination: 66.7% of eligible voters, 7 days, at least 3 votes cast\n" in summary
    assert (
        "- Inactivity: after 365 days without activity; warned, then removed after 0 seconds "
        "without a reply; no report\n" in summary
    )
    assert "- Advisories: cpython; `psrt` added to each advisory; no tracking issues;" in summary
    assert "0 expert rules; no CVE requests" in summary


def test_diff_of_a_changed_threshold() -> None:
    old = load_config(SPEC_EXAMPLE)
    new = load_config(SPEC_EXAMPLE.replace("threshold: 2/3", "threshold: 3/4"))
    assert diff_summary(old, new) == (
        "**What would change**\n\nRules:\n- `votes.nomination.threshold`: 2/3 → 3/4\n"
    )


def test_diff_of_a_changed_team() -> None:
    old = load_config(SPEC_EXAMPLE)
    new = load_config(
        SPEC_EXAMPLE.replace("team: psrt ", "team: security").replace(
            "collaborating_team: psrt", "collaborating_team: security"
        )
    )
    assert diff_summary(old, new) == (
        "**What would change**\n"
        "\n"
        "Teams:\n"
        "- `team`: psrt → security\n"
        "- `advisories.collaborating_team`: psrt → security\n"
    )


def test_diff_groups_teams_repositories_and_rules_in_file_order() -> None:
    old = load_config(MINIMAL)
    new = load_config(
        MINIMAL.replace("psrt-governance", "security-private")
        + "roster: {repo: devguide}\n"
        + "votes:\n  removal: {voters: steering-council, duration: 14d}\n"
        + "advisories:\n  experts: {'Lib/ssl.py': [bob]}\n"
    )
    assert diff_summary(old, new) == (
        "**What would change**\n"
        "\n"
        "Teams:\n"
        "- `votes.removal.voters`: team → steering-council\n"
        "\n"
        "Repositories:\n"
        "- `governance_repo`: psrt-governance → security-private\n"
        "- `roster.repo`: (none) → devguide\n"
        "\n"
        "Rules:\n"
        "- `votes.removal.duration`: 7d → 14d\n"
        "- `advisories.experts.Lib/ssl.py`: (not set) → [bob]\n"
    )


def test_diff_of_identical_configs_says_nothing_changes() -> None:
    config = load_config(SPEC_EXAMPLE)
    assert diff_summary(config, config) == (
        "Nothing would change: the settings are the same as the ones in use.\n"
    )


def test_diff_with_no_previous_config_shows_the_whole_summary() -> None:
    config = load_config(SPEC_EXAMPLE)
    assert diff_summary(None, config) == (
        "Warden has no valid configuration yet; this one would be applied.\n\n" + SPEC_SUMMARY
    )
