"""Advisories end to end in the sandbox: intake, title tags, draft (fork, CVE), the public
governance repository refusal, and the sweep's request counts."""

from __future__ import annotations

from pathlib import Path

from app.features.advisories.sweep import sweep_all_advisories
from app.features.orgconfig import templates as config_templates
from app.platform.clock import Clock
from benchmarks.advisory_sweep import measure
from sandbox import Sandbox
from tests.advisory_world import (
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


async def test_report_gets_team_reporter_credit_and_a_tracking_issue_without_the_description(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        adv = advisory(sandbox, ghsa)
        assert adv.collaborating_teams == ["psrt"]
        assert adv.credits == [("mallory", "reporter")]
        issue = tracking_issue(sandbox, ghsa)
        assert issue.labels == ["warden/advisory"]
        assert ghsa in issue.title and "tarfile: path traversal" in issue.title
        assert issue.body is not None
        for shown in (f"/{ORG}/{CPY}/security/advisories/{ghsa}", "high", "triage", "@mallory"):
            assert shown in issue.body
        assert "90 days left" in issue.body
        assert "SECRET-DETAILS" not in issue.body + issue.title


async def test_existing_collaborators_and_credits_are_kept(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        sandbox.edit_advisory(
            ORG,
            CPY,
            ghsa,
            collaborating_teams=["release-managers"],
            collaborating_users=["frank"],
            credits=[{"login": "frank", "type": "analyst"}],
        )
        await sweep(stack, installation_id)
        adv = advisory(sandbox, ghsa)
        assert adv.collaborating_teams == ["release-managers", "psrt"]
        assert adv.collaborating_users == ["frank"]
        assert adv.credits == [("frank", "analyst"), ("mallory", "reporter")]


async def test_public_governance_repo_gets_nothing_and_raises_the_config_error(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        await sweep(stack, installation_id)  # the config is loaded while the repo is private
        sandbox.repo(ORG, GOV).private = False
        sandbox.reset_recording()
        ghsa = await report(stack)
        assert not [w for w in writes(sandbox) if f"/{GOV}/" in w]
        tracking = [
            i
            for i in sandbox.repo(ORG, GOV).issues.values()
            if "warden/advisory" in i.labels or ghsa in (i.title + (i.body or ""))
        ]
        assert tracking == []  # (a roster alert from before it went public may be there)
        errors = [
            i
            for i in sandbox.repo(ORG, ".github").issues.values()
            if config_templates.ERROR_LABEL in i.labels
        ]
        assert len(errors) == 1 and GOV in (errors[0].body or "")
        assert ghsa not in (errors[0].body or "")
        assert advisory(sandbox, ghsa).collaborating_teams == ["psrt"]


async def test_second_sweep_writes_nothing(sandbox: Sandbox, clock: Clock, tmp_path: Path) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        sandbox.edit_advisory(ORG, CPY, ghsa, title="[ACCEPT] tarfile: path traversal")
        await sweep(stack, installation_id)
        sandbox.reset_recording()
        await sweep(stack, installation_id)
        assert writes(sandbox) == []
        assert comments(sandbox, tracking_issue(sandbox, ghsa)) == []


async def test_sweep_over_50_unchanged_advisories_is_answered_304_and_writes_nothing(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    intake, baseline, first, second = await measure(sandbox, clock, tmp_path, 50)
    print(f"\nintake: {intake}\nfirst pass: {first}\nsecond pass: {second}")
    assert baseline.rate_limit_used == baseline.requests  # without ETags every read counts
    assert intake.writes == 2  # the advisory PATCH and the tracking issue
    assert first.writes == 0  # intake already did everything
    assert second.writes == 0
    assert second.requests == second.not_modified <= 4
    assert second.rate_limit_used == 0


async def test_a_report_whose_webhook_was_missed_is_taken_in_by_the_sweep(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    ghsa = await sandbox.report_advisory(ORG, CPY, "mallory", "sent while Warden was down")
    async with running(sandbox, clock, tmp_path) as stack:
        assert tracking_issues(sandbox) == []
        assert await sweep(stack, installation_id) == 1
        assert advisory(sandbox, ghsa).collaborating_teams == ["psrt"]
        assert advisory(sandbox, ghsa).credits == [("mallory", "reporter")]
        assert tracking_issue(sandbox, ghsa).state == "open"


async def test_an_advisory_reopened_on_github_reopens_its_tracking_issue(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        sandbox.edit_advisory(ORG, CPY, ghsa, state="closed")
        await sweep(stack, installation_id)
        assert tracking_issue(sandbox, ghsa).state == "closed"
        sandbox.edit_advisory(ORG, CPY, ghsa, state="draft")
        await sweep(stack, installation_id)
        issue = tracking_issue(sandbox, ghsa)
        assert issue.state == "open" and "| State | draft |" in (issue.body or "")


async def test_the_advisories_job_sweeps_each_installation_on_its_cadence(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    ghsa = await sandbox.report_advisory(ORG, CPY, "mallory", "sent while Warden was down")
    async with running(sandbox, clock, tmp_path) as stack:
        assert await sweep_all_advisories(stack.ctx) == 1
        assert tracking_issue(sandbox, ghsa).state == "open"
        clock.advance(60)
        assert await sweep_all_advisories(stack.ctx) == 0  # not due: swept a minute ago
        clock.advance(15 * 60)
        assert await stack.scheduler.run_job("advisories")
        assert (await stack.ctx.store.job_state("advisories")) is not None
        assert sandbox.count("GET", "/orgs/python/security-advisories") == 4


async def test_an_advisory_github_refuses_does_not_stop_the_sweep_of_the_others(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    first = await sandbox.report_advisory(ORG, CPY, "mallory", "one")
    second = await sandbox.report_advisory(ORG, CPY, "mallory", "two")
    async with running(sandbox, clock, tmp_path) as stack:
        sandbox.faults.add("PATCH", f"/security-advisories/{first}$", status=404, times=1)
        assert await sweep(stack, installation_id) == 2
        assert advisory(sandbox, first).collaborating_teams == []
        assert advisory(sandbox, second).collaborating_teams == ["psrt"]
        await sweep(stack, installation_id)
        assert advisory(sandbox, first).collaborating_teams == ["psrt"]


async def test_sweep_over_drafts_with_fork_pull_requests_writes_nothing_the_second_time(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    _, _, first, second = await measure(sandbox, clock, tmp_path, 20, drafts=10)
    assert first.writes == second.writes == 0
    # Every read is conditional and answered 304, except the CODEOWNERS lookups that find
    # no file (404s are not cached): three places per repository and pass.
    assert second.not_modified == second.requests - 3
    assert second.rate_limit_used == 3


async def test_a_sweep_over_more_than_a_hundred_reports_pages_through_them_all(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    sandbox.webhook_url = None  # reported while Warden was down
    ghsas = [await sandbox.report_advisory(ORG, CPY, "mallory", f"bug {n}") for n in range(103)]
    for ghsa in ghsas[:2]:
        sandbox.edit_advisory(ORG, CPY, ghsa, state="draft")
    async with running(sandbox, clock, tmp_path) as stack:
        assert await sweep(stack, installation_id) == 103
        assert all(advisory(sandbox, g).collaborating_teams == ["psrt"] for g in ghsas)
        assert len(tracking_issues(sandbox)) == 103
        listed = [r for r in sandbox.requests if r.path == f"/orgs/{ORG}/security-advisories"]
        assert len(listed) == 3  # triage: two pages of at most 100, draft: one
        # Tracking issues Warden may have opened before a crash are looked for once a pass.
        looked = [r for r in sandbox.requests if r.query.get("labels") == "warden/advisory"]
        assert len(looked) == 1
        sandbox.reset_recording()
        await sweep(stack, installation_id)
        assert writes(sandbox) == []


async def test_a_renamed_repository_keeps_one_record_and_one_tracking_issue_per_advisory(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        reported = clock.time()
        ghsa = await report(stack)
        await sandbox.comment(ORG, GOV, tracking_issue(sandbox, ghsa).number, "bob", "/coordinate")
        await settled(stack)
        sandbox.rename_repo(ORG, CPY, "python")
        clock.advance(reported + 77 * DAY - clock.time())  # a warning is due
        await sweep(stack, installation_id)
        await sweep(stack, installation_id)
        issue = tracking_issue(sandbox, ghsa)
        assert issue.state == "open" and f"`{ORG}/python`" in (issue.body or "")
        said = comments(sandbox, issue)
        assert len([c for c in said if "warden:reminder" in c]) == 1
        rows = await stack.ctx.store.fetch("SELECT repo, coordinator FROM advisories")
        assert [(r["repo"], r["coordinator"]) for r in rows] == [("python", "bob")]
