"""Advisories end to end in the sandbox: intake, title tags, draft (fork, CVE), the public
governance repository refusal, and the sweep's request counts."""

from __future__ import annotations

from pathlib import Path

from app.clock import Clock
from app.orgconfig import templates as config_templates
from sandbox import Sandbox
from tests.advisory_world import (
    CPY,
    GOV,
    ORG,
    advisory,
    comments,
    report,
    seed,
    sweep,
    tracking_issue,
    writes,
)
from tests.harness import start_stack


async def test_report_gets_team_reporter_credit_and_a_tracking_issue_without_the_description(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    stack = await start_stack(sandbox, clock, tmp_path)
    try:
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
    finally:
        await stack.server.close()


async def test_existing_collaborators_and_credits_are_kept(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    stack = await start_stack(sandbox, clock, tmp_path)
    try:
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
    finally:
        await stack.server.close()


async def test_public_governance_repo_gets_nothing_and_raises_the_config_error(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    stack = await start_stack(sandbox, clock, tmp_path)
    try:
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
    finally:
        await stack.server.close()


async def test_second_sweep_writes_nothing(sandbox: Sandbox, clock: Clock, tmp_path: Path) -> None:
    installation_id = seed(sandbox)
    stack = await start_stack(sandbox, clock, tmp_path)
    try:
        ghsa = await report(stack)
        sandbox.edit_advisory(ORG, CPY, ghsa, title="[ACCEPT] tarfile: path traversal")
        await sweep(stack, installation_id)
        sandbox.reset_recording()
        await sweep(stack, installation_id)
        assert writes(sandbox) == []
        assert comments(sandbox, tracking_issue(sandbox, ghsa)) == []
    finally:
        await stack.server.close()
