"""The offline `check-config` command and the Markdown body of the config-error issue."""

from __future__ import annotations

import io
from pathlib import Path

from config.check import ISSUE_MARKER, check_config_main, format_issues_markdown
from config.issues import ConfigIssue
from config.loader import load_config
from config.summary import summarise

DATA = Path(__file__).parents[1] / "data"
DEFAULTS = Path(__file__).parents[2] / "config" / "defaults.yml"


def run(path: Path | str) -> tuple[int, str]:
    out = io.StringIO()
    code = check_config_main(str(path), out=out)
    return code, out.getvalue()


def test_a_valid_file_exits_0_with_its_summary() -> None:
    path = DATA / "warden-spec-example.yml"
    code, output = run(path)
    assert code == 0
    expected_summary = summarise(load_config(path.read_text()))
    assert output == f"{path} is valid.\n\n{expected_summary}"


def test_a_broken_file_exits_1_with_one_line_per_problem(tmp_path: Path) -> None:
    path = tmp_path / "warden.yml"
    path.write_text((DATA / "warden-broken.yml").read_text())
    code, output = run(path)
    assert code == 1
    assert output.replace(str(tmp_path) + "/", "") == (
        "warden.yml:5: votes.nomination.threshold: "
        '"two thirds" is not a fraction; write it like 2/3 or 66.7%.\n'
        "warden.yml:6: votes.nomination.treshold: "
        '"treshold" is not a setting Warden knows; did you mean "threshold"?\n'
        'warden.yml:8: advisories.deadline: "90" has no unit; write it like 90d (days) or 90h.\n'
    )


def test_the_shipped_defaults_alone_lack_only_the_two_required_keys() -> None:
    code, output = run(DEFAULTS)
    lines = DEFAULTS.read_text().splitlines()
    team, repo = lines.index("team:") + 1, lines.index("governance_repo:") + 1
    assert code == 1
    assert output == (
        f"{DEFAULTS}:{team}: team: this key has no value; write one after the colon, like team: "
        "psrt.\n"
        f"{DEFAULTS}:{repo}: governance_repo: this key has no value; write one after the colon, "
        "like governance_repo: psrt-governance.\n"
    )


def test_the_shipped_defaults_plus_the_required_keys_are_valid(tmp_path: Path) -> None:
    path = tmp_path / "warden.yml"
    text = DEFAULTS.read_text().replace("team:\n", "team: psrt\n", 1)
    path.write_text(text.replace("governance_repo:\n", "governance_repo: gov\n", 1))
    code, output = run(path)
    assert code == 0
    assert output.startswith(f"{path} is valid.\n\n**Warden configuration**\n")


def test_a_yaml_syntax_error_is_one_line_with_no_key_path(tmp_path: Path) -> None:
    path = tmp_path / "warden.yml"
    path.write_text("team: psrt\n  governance_repo: gov\n")
    code, output = run(path)
    assert code == 1
    assert output == (
        f"{path}:2: the file is not valid YAML (mapping values are not allowed here); check the "
        "indentation, colons and quotes on this line and the one before it.\n"
    )


def test_a_missing_file_exits_1_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "nope.yml"
    code, output = run(path)
    assert code == 1
    assert output == f"{path}: cannot read the file (No such file or directory); check the path.\n"


def test_error_issue_body_lists_each_problem_with_line_and_key() -> None:
    issues = [
        ConfigIssue("votes.nomination.threshold", 5, '"two thirds" is not a fraction.'),
        ConfigIssue("team", None, "this key is required."),
        ConfigIssue("", 2, "the file is not valid YAML."),
    ]
    assert format_issues_markdown(issues) == (
        f"{ISSUE_MARKER}\n"
        "Warden cannot apply `.github/warden.yml`: it has 3 problems. Until the file is fixed, "
        "Warden keeps using the last valid configuration. This issue is closed when the file on "
        "the default branch is valid.\n"
        "\n"
        "- line 2: the file is not valid YAML.\n"
        '- line 5, `votes.nomination.threshold`: "two thirds" is not a fraction.\n'
        "- `team`: this key is required.\n"
        "\n"
        "Run `python -m app check-config .github/warden.yml` to check a file locally.\n"
    )


def test_error_issue_body_links_lines_when_given_the_file_url() -> None:
    url = "https://github.com/python/.github/blob/main/.github/warden.yml"
    body = format_issues_markdown([ConfigIssue("team", 1, "bad.")], file_url=url)
    assert f"- [line 1]({url}#L1), `team`: bad.\n" in body
    assert "it has 1 problem." in body


def test_error_issue_body_cannot_ping_people_or_inject_markup() -> None:
    issue = ConfigIssue("team", 1, '"@octocat <img src=x> [x](y)" is not a team slug.')
    body = format_issues_markdown([issue])
    assert "@octocat" not in body
    assert "<img" not in body
    assert "@\u200boctocat &lt;img src=x&gt; \\[x\\](y)" in body
