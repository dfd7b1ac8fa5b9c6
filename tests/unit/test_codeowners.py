"""Tests for CODEOWNERS parsing and matching, and the expert lookup built on it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.features.advisories.codeowners import (
    CodeOwners,
    LineError,
    compile_pattern,
    experts_for,
    parse_codeowners,
    pattern_matches,
    split_owners,
)

GOLDEN = Path(__file__).parents[1] / "golden"

# (pattern, path, matches): one pattern at a time, GitHub's documented rules.
PATTERNS = [
    # A name without a slash matches at any depth, as a file or a directory.
    ("tarfile.py", "tarfile.py", True),
    ("tarfile.py", "Lib/tarfile.py", True),
    ("tarfile.py", "Lib/tarfile.pyc", False),
    ("test", "Lib/test/test_ssl.py", True),
    ("test", "Lib/tests/x.py", False),
    # A leading slash anchors to the root.
    ("/Lib", "Lib/ssl.py", True),
    ("/Lib", "Modules/Lib/x.c", False),
    ("/Lib", "Library/x.py", False),
    # A slash in the middle anchors too.
    ("Lib/ssl.py", "Lib/ssl.py", True),
    ("Lib/ssl.py", "src/Lib/ssl.py", False),
    # A trailing slash matches a directory and everything below, not a file.
    ("logs/", "logs/a.log", True),
    ("logs/", "build/logs/deep/a.log", True),
    ("logs/", "logs", False),
    ("/build/logs/", "build/logs/a.log", True),
    ("/build/logs/", "src/build/logs/a.log", False),
    ("/build/logs/", "build/logs", False),
    # "*" stays inside one segment.
    ("*.js", "app.js", True),
    ("*.js", "web/static/app.js", True),
    ("*.js", "app.json", False),
    ("docs/*", "docs/getting-started.md", True),
    ("docs/*", "docs/build-app/troubleshooting.md", False),
    ("docs/*", "docs", False),
    ("/*", "README.md", True),
    ("/*", "Lib/ssl.py", False),
    ("Modules/_ssl*.c", "Modules/_ssl.c", True),
    ("Modules/_ssl*.c", "Modules/_ssl/debughelpers.c", False),
    ("Doc/*/ssl.rst", "Doc/library/ssl.rst", True),
    ("Doc/*/ssl.rst", "Doc/ssl.rst", False),
    ("*", "any/path/at/all.txt", True),
    # "**" crosses segments.
    ("**/logs", "logs", True),
    ("**/logs", "build/logs/a.log", True),
    ("**/logs", "build/catalogs/a", False),
    ("Lib/**", "Lib/email/parser.py", True),
    ("Lib/**", "Lib", False),
    ("Lib/**/test_*.py", "Lib/test_x.py", True),
    ("Lib/**/test_*.py", "Lib/test/test_ssl.py", True),
    ("Lib/**/test_*.py", "Lib/test/ssl/test_cert.py", True),
    ("Lib/**/test_*.py", "Tools/Lib/test/test_ssl.py", False),
    ("a/**/b", "a/b", True),
    ("a/**/b", "a/x/y/b/c.txt", True),
    ("a/**/b", "a/xb", False),
    ("**", "anything.txt", True),
    # "?" is one character, never a slash.
    ("ssl?.py", "Lib/ssl3.py", True),
    ("ssl?.py", "Lib/ssl.py", False),
    ("a?b", "a/b", False),
    # Backslash escapes.
    ("\\#notes.md", "#notes.md", True),
    ("f\\*o", "f*o", True),
    ("f\\*o", "foo", False),
    ("my\\ file.txt", "docs/my file.txt", True),
    # Case matters, and "/" matches nothing.
    ("/lib/", "Lib/ssl.py", False),
    ("/", "README.md", False),
]


@pytest.mark.parametrize(("pattern", "path", "expected"), PATTERNS)
def test_pattern_matching_follows_githubs_rules(pattern: str, path: str, expected: bool) -> None:
    assert pattern_matches(pattern, path) is expected


# (CODEOWNERS text, path, expected owners): whole files, last match wins.
RULE_SETS = [
    ("* @everyone\n/Lib/ @lib-team\n", "Lib/ssl.py", ("@lib-team",)),
    ("/Lib/ @lib-team\n* @everyone\n", "Lib/ssl.py", ("@everyone",)),
    ("/apps/ @octocat\n/apps/github\n", "apps/github/main.go", ()),
    ("/apps/ @octocat\n/apps/github\n", "apps/web/main.go", ("@octocat",)),
    ("/apps/ @octocat\n/apps/github @doctocat\n", "apps/github/x", ("@doctocat",)),
    ("*.py @py @org/py-team\n", "Lib/ssl.py", ("@py", "@org/py-team")),
    ("*.go docs@example.com\n", "cmd/main.go", ("docs@example.com",)),
    ("*.js @js-owner #inline comment\n", "a.js", ("@js-owner",)),
    ("*.js @js-owner # @not-an-owner\n", "a.js", ("@js-owner",)),
    ("docs/* @docs\n", "docs/sub/page.md", ()),
    ("\n# only comments\n\n", "README.md", ()),
    ("*.c @c-owner\n*.[ch] @bad\n", "x.c", ("@c-owner",)),
]


@pytest.mark.parametrize(("text", "path", "expected"), RULE_SETS)
def test_last_matching_rule_decides_the_owners(
    text: str, path: str, expected: tuple[str, ...]
) -> None:
    assert parse_codeowners(text).owners_of(path) == expected


def test_example_file_owners_match_the_golden_table() -> None:
    codeowners = parse_codeowners((GOLDEN / "codeowners-example").read_text(encoding="utf-8"))
    golden = GOLDEN / "codeowners-example.owners"
    paths = [line.split("\t")[0] for line in golden.read_text(encoding="utf-8").splitlines()]
    table = "".join(f"{p}\t{' '.join(codeowners.owners_of(p)) or '-'}\n" for p in paths)
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(table, encoding="utf-8")
    assert table == golden.read_text(encoding="utf-8")


def test_example_file_reports_the_lines_github_would_skip() -> None:
    codeowners = parse_codeowners((GOLDEN / "codeowners-example").read_text(encoding="utf-8"))
    assert [(e.line, e.reason.split()[0]) for e in codeowners.errors] == [
        (49, "negation"),
        (50, "character"),
        (51, "'@@bad'"),
    ]


def test_parsing_skips_comments_and_blank_lines_and_keeps_line_numbers() -> None:
    codeowners = parse_codeowners("# header\n\n   \n  /src/ @a  \r\n# tail\n")
    assert [(r.pattern, r.owners, r.line) for r in codeowners.rules] == [("/src/", ("@a",), 4)]
    assert codeowners.errors == ()


def test_invalid_lines_are_skipped_and_reported() -> None:
    codeowners = parse_codeowners("!secret @a\n*.[ch] @b\nsrc/ not-an-owner\nx/*** @c\nok @d\n")
    assert [rule.pattern for rule in codeowners.rules] == ["ok"]
    assert [error.line for error in codeowners.errors] == [1, 2, 3, 4]
    assert codeowners.errors[2] == LineError(
        3, "src/ not-an-owner", "'not-an-owner' is not an @user, @org/team or email owner"
    )


def test_rule_for_tells_which_line_decided() -> None:
    codeowners = parse_codeowners("* @a\n/docs/ @b\n")
    rule = codeowners.rule_for("/docs/index.md")
    assert rule is not None and rule.line == 2
    assert codeowners.rule_for("x") is not None
    assert CodeOwners().rule_for("x") is None


def test_invalid_glob_is_rejected_with_a_clear_error() -> None:
    with pytest.raises(ValueError, match="three asterisks"):
        compile_pattern("a/***")


# Experts


def test_experts_merge_codeowners_and_every_matching_expert_glob() -> None:
    codeowners = parse_codeowners("* @core\n/Lib/tarfile.py @Alice @python/psrt\n")
    experts = {"Lib/tarfile.py": ["alice", "carol"], "*.py": ["dave"], "Doc/": ["erin"]}
    found = experts_for(["Lib/tarfile.py", "Lib/ssl.py"], codeowners, experts)
    assert found == {"Alice", "python/psrt", "carol", "dave", "core"}


def test_experts_ignore_email_owners() -> None:
    codeowners = parse_codeowners("*.go docs@example.com @gopher\n")
    assert experts_for(["main.go"], codeowners, {}) == {"gopher"}


def test_experts_work_without_a_codeowners_file() -> None:
    assert experts_for(["Lib/ssl.py"], None, {"Lib/ssl.py": ["bob"]}) == {"bob"}
    assert experts_for([], None, {"*": ["bob"]}) == frozenset()


def test_split_owners_separates_users_from_teams() -> None:
    assert split_owners({"alice", "python/psrt"}) == (
        frozenset({"alice"}),
        frozenset({"python/psrt"}),
    )


# Properties

segment = st.from_regex(r"[A-Za-z0-9_.-]{1,8}", fullmatch=True).filter(lambda s: s not in ".")
logins = st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)
paths = st.lists(segment, min_size=1, max_size=5).map("/".join)


@settings(max_examples=200, deadline=None)
@given(paths, paths)
def test_an_anchored_literal_owns_itself_and_everything_below(path: str, below: str) -> None:
    assert pattern_matches("/" + path, path)
    assert pattern_matches("/" + path, f"{path}/{below}")
    assert pattern_matches("/" + path + "/", f"{path}/{below}")
    assert not pattern_matches("/" + path + "/", path)


@settings(max_examples=200, deadline=None)
@given(segment, paths, paths)
def test_a_bare_name_matches_at_any_depth(name: str, above: str, below: str) -> None:
    assert pattern_matches(name, f"{above}/{name}")
    assert pattern_matches(name, f"{above}/{name}/{below}")
    assert pattern_matches(f"**/{name}", f"{above}/{name}")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["*", "/Lib/", "*.py", "ssl*", "Doc/*"]), logins)))
def test_owners_come_from_the_last_matching_rule(rules: list[tuple[str, str]]) -> None:
    text = "".join(f"{pattern} @{owner}\n" for pattern, owner in rules)
    path = "Lib/ssl.py"
    expected = next(
        ((f"@{owner}",) for pattern, owner in reversed(rules) if pattern_matches(pattern, path)),
        (),
    )
    assert parse_codeowners(text).owners_of(path) == expected
