"""Deadline reminders in the tracking issue, at the right times and never too often."""

from __future__ import annotations

from pathlib import Path

from app.features.advisories import records
from app.platform.clock import Clock
from sandbox import Sandbox
from sandbox.state import Issue
from tests.advisory_world import CPY, DAY, ORG, comments, report, seed, sweep, tracking_issue
from tests.harness import Stack, running


def reminders(sb: Sandbox, issue: Issue) -> list[str]:
    """The level of each reminder posted, oldest first."""
    marker = "<!-- warden:reminder "
    found = [c.splitlines()[0] for c in comments(sb, issue) if c.startswith(marker)]
    return [line.split("level=")[1].split(" ")[0] for line in found]


async def sweep_at(stack: Stack, installation_id: int, reported: float, days: float) -> None:
    stack.clock.advance(reported + days * DAY - stack.clock.time())
    await sweep(stack, installation_id)


async def test_reminders_warn_then_urgent_daily_then_overdue_and_stop_when_closed(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)  # deadline 90d, warn 14d before, urgent 7d, 23h apart
    async with running(sandbox, clock, tmp_path) as stack:
        reported = clock.time()
        ghsa = await report(stack)
        issue = tracking_issue(sandbox, ghsa)
        expected = [
            (75.9, []),
            (76.01, ["warn"]),
            (76.5, ["warn"]),
            (78.0, ["warn"]),  # a warning is given once
            (83.01, ["warn", "urgent"]),
            (83.9, ["warn", "urgent"]),  # not again within 23 hours
            (84.02, ["warn", "urgent", "urgent"]),
            (90.01, ["warn", "urgent", "urgent", "overdue"]),
            (90.5, ["warn", "urgent", "urgent", "overdue"]),
        ]
        for days, levels in expected:
            await sweep_at(stack, installation_id, reported, days)
            assert reminders(sandbox, issue) == levels, days
        said = [c for c in comments(sandbox, issue) if "warden:reminder" in c]
        assert f"**{ghsa} is overdue**" in said[-1]
        assert "in 14 days" in said[0] and "**" not in said[0]
        assert "(overdue by 1 day)" in (issue.body or "")
        sandbox.edit_advisory(ORG, CPY, ghsa, state="closed")
        await sweep_at(stack, installation_id, reported, 92)
        assert issue.state == "closed"
        await sweep_at(stack, installation_id, reported, 95)
        assert reminders(sandbox, issue) == ["warn", "urgent", "urgent", "overdue"]


async def test_a_rising_level_still_waits_for_min_interval(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        reported = clock.time()
        ghsa = await report(stack)
        issue = tracking_issue(sandbox, ghsa)
        await sweep_at(stack, installation_id, reported, 82.5)  # first sweep in the warn window
        await sweep_at(stack, installation_id, reported, 83.01)  # urgent, but 12 hours later
        assert reminders(sandbox, issue) == ["warn"]
        await sweep_at(stack, installation_id, reported, 83.5)  # 24 hours after the warning
        assert reminders(sandbox, issue) == ["warn", "urgent"]


async def test_a_report_older_than_warden_counts_its_deadline_from_when_it_was_reported(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    ghsa = await sandbox.report_advisory(ORG, CPY, "mallory", "reported before Warden came")
    sandbox.webhook_url = None
    clock.advance(95 * DAY - 3600)  # Warden is installed 95 days after the report
    async with running(sandbox, clock, tmp_path) as stack:
        await sweep(stack, installation_id)
        issue = tracking_issue(sandbox, ghsa)
        assert "(overdue by 5 days)" in (issue.body or "")
        assert reminders(sandbox, issue) == ["overdue"]  # not a warning and an urgent one first
        said = comments(sandbox, issue)
        assert "no one took it within 3 days" in said[0] and "overdue" in said[1]
        clock.advance(3600)
        await sweep(stack, installation_id)
        assert reminders(sandbox, issue) == ["overdue"]
        record = await records.find(stack.ctx.store, installation_id, CPY, ghsa)
        created = sandbox.core.world.advisory(sandbox.repo(ORG, CPY), ghsa).created_at
        assert record is not None and record.reported_at == created.timestamp()
