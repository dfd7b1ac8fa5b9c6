"""Credits kept complete from the private fork's pull requests, and the checklist a draft's
tracking issue shows before publication (CVSS v4 validity among it)."""

from __future__ import annotations

from pathlib import Path

from app.platform.clock import Clock
from sandbox import Sandbox
from tests.advisory_world import CPY, ORG, advisory, report, seed, sweep, tracking_issue
from tests.harness import running

V4 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"


def fork_of(sb: Sandbox, ghsa: str) -> str:
    fork = advisory(sb, ghsa).private_fork
    assert fork is not None
    return fork.split("/")[1]


async def test_fork_pull_request_author_and_approving_reviewer_are_credited(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    sandbox.add_user("dependabot[bot]", type="Bot")
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack, "[ACCEPT] tarfile: path traversal")
        sandbox.edit_advisory(
            ORG,
            CPY,
            ghsa,
            credits=[
                {"login": "mallory", "type": "reporter"},
                {"login": "carol", "type": "analyst"},
            ],
        )
        fork = fork_of(sandbox, ghsa)
        fix = await sandbox.open_pull_request(
            ORG, fork, "frank", "Fix traversal", "fix", files={"Lib/tarfile.py": "# fixed\n"}
        )
        bump = await sandbox.open_pull_request(
            ORG, fork, "dependabot[bot]", "Bump", "bump", files={"req.txt": "x==2\n"}
        )
        sandbox.review_pull_request(ORG, fork, fix, "carol")  # already an analyst: kept so
        sandbox.review_pull_request(ORG, fork, fix, "erin", "CHANGES_REQUESTED")
        sandbox.review_pull_request(ORG, fork, bump, "bob")
        await sweep(stack, installation_id)
        assert advisory(sandbox, ghsa).credits == [
            ("mallory", "reporter"),
            ("carol", "analyst"),
            ("frank", "remediation_developer"),
            ("bob", "remediation_reviewer"),
        ]
        sandbox.review_pull_request(ORG, fork, fix, "erin")  # approves after all
        await sweep(stack, installation_id)
        assert advisory(sandbox, ghsa).credits[-1] == ("erin", "remediation_reviewer")
        body = tracking_issue(sandbox, ghsa).body or ""
        assert "- [ ] Fix pull requests merged: 0 of 2 (not merged: #1, #2)" in body
        await sandbox.merge_pull_request(ORG, fork, fix, "frank")
        await sandbox.merge_pull_request(ORG, fork, bump, "frank")
        await sweep(stack, installation_id)
        body = tracking_issue(sandbox, ghsa).body or ""
        assert "- [x] Fix pull requests merged: 2 of 2" in body


async def test_checklist_flags_an_invalid_cvss_v4_vector_then_shows_the_score(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        body = tracking_issue(sandbox, ghsa).body or ""
        assert "Before publication" not in body  # a report in triage is not being published
        broken = V4.removesuffix("/SA:N")
        sandbox.edit_advisory(ORG, CPY, ghsa, state="draft", description=f"Details. {broken}")
        await sweep(stack, installation_id)
        body = tracking_issue(sandbox, ghsa).body or ""
        assert f"- [ ] CVSS v4 vector `{broken}` is not valid: " in body
        assert "Missing mandatory metrics" in body and "Details." not in body
        assert "- [ ] CVE ID: none yet" in body
        sandbox.edit_advisory(
            ORG,
            CPY,
            ghsa,
            cvss_vector_string=V4,
            vulnerabilities=[
                {
                    "package": {"ecosystem": "other", "name": "cpython"},
                    "vulnerable_version_range": "< 3.14.1",
                    "patched_versions": "3.14.1",
                }
            ],
        )
        await sweep(stack, installation_id)
        body = tracking_issue(sandbox, ghsa).body or ""
        assert f"- [x] CVSS v4: 9.3 Critical (`{V4}`)" in body
        assert "- [x] Affected versions: `cpython < 3.14.1 (patched: 3.14.1)`" in body
