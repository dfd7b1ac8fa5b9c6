"""Advisory states end to end: title tags, draft with its fork and CVE, publication, GHES."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from app.platform.clock import Clock
from sandbox import Sandbox
from tests.advisory_world import (
    CONFIG,
    CPY,
    DAY,
    GOV,
    ORG,
    advisory,
    comments,
    report,
    seed,
    settled,
    sweep,
    tracking_issue,
    tracking_issues,
    writes,
)
from tests.harness import running

CLOSE_TAGS = ["CLOSE", "CLOSED", "COMPLETE", "COMPLETED", "NOTPLANNED", "INVALID", "DUPLICATE"]


async def test_accepted_report_becomes_a_draft_with_one_fork_and_one_cve_request(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        assert advisory(sandbox, ghsa).state == "triage"
        sandbox.edit_advisory(ORG, CPY, ghsa, title="[accepted] tarfile: path traversal")
        await sweep(stack, installation_id)
        adv = advisory(sandbox, ghsa)
        assert adv.state == "draft"
        assert adv.private_fork == f"{ORG}/{CPY}-{ghsa.lower()}"
        assert adv.cve_requested
        assert "| State | draft |" in (tracking_issue(sandbox, ghsa).body or "")
        sandbox.reset_recording()
        sandbox.grant_cve(ORG, CPY, ghsa)
        await sweep(stack, installation_id)
        await sweep(stack, installation_id)
        assert [w for w in writes(sandbox) if w.endswith(("/forks", "/cve"))] == []


async def test_draft_in_a_private_repository_gets_a_fork_but_no_cve_request(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    sandbox.add_repo(ORG, "internal-tool", private=True, files={"tool.py": "pass\n"})
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await sandbox.report_advisory(ORG, "internal-tool", "mallory", "[ACCEPT] bug")
        await settled(stack)
        adv = advisory(sandbox, ghsa, "internal-tool")
        assert adv.state == "draft" and adv.private_fork is not None
        assert not adv.cve_requested
        assert sandbox.count("POST", f"/repos/{ORG}/internal-tool/security-advisories/") == 1


@pytest.mark.parametrize("tag", [*CLOSE_TAGS, "closed", "NotPlanned"])
async def test_close_tags_close_the_advisory_and_its_tracking_issue(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, tag: str
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        sandbox.edit_advisory(ORG, CPY, ghsa, title=f"[{tag}] tarfile: path traversal")
        await sweep(stack, installation_id)
        assert advisory(sandbox, ghsa).state == "closed"
        issue = tracking_issue(sandbox, ghsa)
        assert (issue.state, issue.state_reason) == ("closed", "not_planned")
        (said,) = comments(sandbox, issue)
        assert said.startswith(f"<!-- warden:advisory-finished id={ghsa} state=closed at=")
        assert said.endswith(
            f"\n{ghsa} is closed: this tracking issue is closed, and reminders stop."
        )


@pytest.mark.parametrize("tag", ["ACCEPT", "ACCEPTED", "accept", "Accepted"])
async def test_accept_tags_move_a_report_to_draft(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, tag: str
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        sandbox.edit_advisory(ORG, CPY, ghsa, title=f"tarfile: path traversal [{tag}]")
        await sweep(stack, installation_id)
        assert advisory(sandbox, ghsa).state == "draft"


async def test_a_close_tag_in_the_report_itself_closes_it_at_intake_without_a_tracking_issue(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack, summary="[DUPLICATE] same as the other one")
        assert advisory(sandbox, ghsa).state == "closed"
        assert advisory(sandbox, ghsa).collaborating_teams == ["psrt"]
        assert tracking_issues(sandbox) == []


async def test_published_advisory_closes_its_tracking_issue_as_completed(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        await sandbox.publish_advisory(ORG, CPY, ghsa)
        await settled(stack)
        issue = tracking_issue(sandbox, ghsa)
        assert (issue.state, issue.state_reason) == ("closed", "completed")
        assert "| State | published |" in (issue.body or "")


async def test_github_without_the_advisories_api_says_so_once_and_governance_goes_on(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        sandbox.faults.add("GET", r"/security-advisories", status=404, times=10)
        with caplog.at_level(logging.WARNING):
            assert await sweep(stack, installation_id) == 0
            clock.advance(3600)
            assert await sweep(stack, installation_id) == 0
        lines = [r.getMessage() for r in caplog.records if "advisories API" in r.getMessage()]
        assert len(lines) == 1 and "governance features still work" in lines[0]
        assert sandbox.count(path_prefix="/orgs/python/security-advisories") == 1
        number = await sandbox.open_issue(ORG, GOV, "bob", "A question")
        await sandbox.comment(ORG, GOV, number, "bob", "/nosuch")
        await settled(stack)
        issue = sandbox.world.issue(sandbox.repo(ORG, GOV), number)
        assert "is not a Warden command" in comments(sandbox, issue)[-1]


async def test_cve_none_asks_no_cve_and_repos_list_limits_what_is_handled(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    config = CONFIG.replace("advisories:\n", "advisories:\n  cve: none\n  repos: [cpython]\n")
    installation_id = seed(sandbox, config)
    sandbox.add_repo(ORG, "other", files={"a.py": "pass\n"})
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack, summary="[ACCEPT] bug")
        elsewhere = await sandbox.report_advisory(ORG, "other", "mallory", "[ACCEPT] bug")
        await settled(stack)
        await sweep(stack, installation_id)
        adv = advisory(sandbox, ghsa)
        assert adv.state == "draft" and adv.private_fork is not None
        assert not adv.cve_requested
        untouched = advisory(sandbox, elsewhere, "other")
        assert (untouched.state, untouched.collaborating_teams) == ("triage", [])
        assert [i.title for i in tracking_issues(sandbox)] == [f"{ghsa}: [ACCEPT] bug"]


async def test_without_tracking_issues_the_advisory_is_still_triaged(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    config = CONFIG.replace("advisories:\n", "advisories:\n  tracking_issues: false\n")
    installation_id = seed(sandbox, config)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        clock.advance(3 * DAY)
        await sweep(stack, installation_id)
        adv = advisory(sandbox, ghsa)
        assert adv.collaborating_teams == ["psrt"]
        assert [c for c in adv.credits if c[1] == "coordinator"] == [("alice", "coordinator")]
        assert tracking_issues(sandbox) == []


async def test_an_advisory_github_no_longer_has_closes_its_tracking_issue_and_stops_reminders(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        reported = clock.time()
        ghsa = await report(stack)
        del sandbox.repo(ORG, CPY).advisories[ghsa.lower()]  # withdrawn: GitHub answers 404
        await sweep(stack, installation_id)
        issue = tracking_issue(sandbox, ghsa)
        assert (issue.state, issue.state_reason) == ("closed", "not_planned")
        (said,) = comments(sandbox, issue)
        assert f"{ghsa} can no longer be found on GitHub" in said
        clock.advance(reported + 89 * DAY - clock.time())
        await sweep(stack, installation_id)
        assert comments(sandbox, issue) == [said]  # no reminder, no second comment


async def test_a_publication_whose_webhook_was_missed_closes_the_tracking_issue_on_the_sweep(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        reported = clock.time()
        ghsa = await report(stack)
        sandbox.webhook_url = None  # Warden is unreachable when the advisory is published
        await sandbox.publish_advisory(ORG, CPY, ghsa)
        clock.advance(reported + 80 * DAY - clock.time())
        await sweep(stack, installation_id)
        issue = tracking_issue(sandbox, ghsa)
        assert (issue.state, issue.state_reason) == ("closed", "completed")
        assert "| State | published |" in (issue.body or "")
        assert [c for c in comments(sandbox, issue) if "warden:reminder" in c] == []


async def test_a_cve_follows_the_repositorys_visibility_at_each_sweep(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    sandbox.add_repo(ORG, "internal-tool", private=True, files={"tool.py": "pass\n"})
    async with running(sandbox, clock, tmp_path) as stack:
        hidden = await sandbox.report_advisory(ORG, "internal-tool", "mallory", "[ACCEPT] one")
        shown = await report(stack, summary="two")
        await settled(stack)
        assert not advisory(sandbox, hidden, "internal-tool").cve_requested
        sandbox.repo(ORG, "internal-tool").private = False  # made public: a CVE is possible
        sandbox.repo(ORG, CPY).private = True  # made private before it is accepted
        sandbox.edit_advisory(ORG, CPY, shown, title="[ACCEPT] two")
        await sweep(stack, installation_id)
        assert advisory(sandbox, hidden, "internal-tool").cve_requested
        assert advisory(sandbox, shown).state == "draft"
        assert not advisory(sandbox, shown).cve_requested
        await sweep(stack, installation_id)
        assert sandbox.count("POST", f"/repos/{ORG}/internal-tool/security-advisories/") == 2


async def test_an_archived_repositorys_advisory_is_tracked_and_reminded_but_never_written(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        reported = clock.time()
        ghsa = await report(stack)
        sandbox.repo(ORG, CPY).archived = True  # read-only: GitHub refuses writes (403)
        sandbox.edit_advisory(ORG, CPY, ghsa, title="[ACCEPT] tarfile: path traversal")
        sandbox.reset_recording()
        clock.advance(reported + 77 * DAY - clock.time())  # a coordinator and a warning are due
        await sweep(stack, installation_id)
        assert [w for w in writes(sandbox) if "security-advisories" in w] == []
        assert sandbox.count(status=403) == 0
        adv = advisory(sandbox, ghsa)
        assert adv.state == "triage" and adv.private_fork is None
        issue = tracking_issue(sandbox, ghsa)
        assert "archived" in (issue.body or "")
        assert [c.split()[1] for c in comments(sandbox, issue)] == ["warden:reminder"]
