"""Which experts a fix in the private fork brings in: CODEOWNERS (GitHub's rules: directory
patterns, `*` and `**`, the last matching pattern wins) plus the `experts` globs."""

from __future__ import annotations

from pathlib import Path

from app.features.advisories.codeowners import parse_codeowners
from app.features.advisories.experts import expert_owners, wanted_for
from tests.unit.test_orgconfig_templates import assert_golden

GOLDEN = Path(__file__).parents[1] / "golden"
EXPERTS = {"Lib/tarfile.py": ["erin"], "Lib/**/*.py": ["python/stdlib-experts"], "Doc/": ["dan"]}
# Files changed by pull requests in one private fork each.
FIXES = {
    "tarfile": ["Lib/tarfile.py", "Lib/test/test_tarfile.py", "Doc/library/tarfile.rst"],
    "ssl": ["Modules/_ssl.c", "Lib/ssl.py", "Lib/test/test_ssl.py"],
    "email": ["Lib/email/_header_value_parser.py", "Lib/email/parser.py"],
    "logs and apps": ["src/build/logs/today.log", "apps/github/index.js", "apps/web/index.js"],
    "docs": ["docs/getting-started.md", "site/docs/index.md", "Doc/library/sub/x.rst"],
    "news only": ["Misc/NEWS.d/next/Security/2026-01-01.gh-issue-1.rst"],
}


def test_experts_of_fork_fixes_match_the_golden_table() -> None:
    codeowners = parse_codeowners((GOLDEN / "codeowners-example").read_text(encoding="utf-8"))
    lines = []
    for name, paths in FIXES.items():
        owners = expert_owners(paths, codeowners, EXPERTS, "python")
        wanted = wanted_for(owners)
        lines.append(
            f"{name}: users {' '.join(wanted.users) or '-'}; teams {' '.join(wanted.teams) or '-'}"
        )
    assert_golden("advisory-experts.txt", "\n".join(lines) + "\n")


def test_teams_of_other_organisations_and_bots_are_never_added() -> None:
    codeowners = parse_codeowners("*.py @octo-org/py @alice @python/core\n")
    experts = {"*.py": ["renovate[bot]"]}
    assert expert_owners(["a.py"], codeowners, experts, "python") == ("alice", "python/core")
