"""Comments posted once stay once: a crash after GitHub took the comment and before the
database recorded it does not make the replay post it again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import aiohttp
import pytest

from app.features.advisories import records
from app.platform.clock import Clock
from sandbox import Sandbox
from tests.advisory_world import CPY, DAY, GOV, ORG, comments, report, seed, sweep, tracking_issue
from tests.flows.test_advisories_reminders import reminders, sweep_at
from tests.harness import Stack, running

COMMENTS = rf"/repos/{ORG}/{GOV}/issues/\d+/comments$"


def comment_reads(sb: Sandbox, number: int) -> int:
    return sb.count("GET", f"/repos/{ORG}/{GOV}/issues/{number}/comments")


async def unconfirmed(stack: Stack) -> list[str]:
    rows = await stack.ctx.store.fetch("SELECT step FROM advisory_comments ORDER BY at")
    return [str(r["step"]) for r in rows]


async def test_a_reminder_github_took_before_a_crash_is_not_posted_again(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        reported = clock.time()
        ghsa = await report(stack)
        issue = tracking_issue(sandbox, ghsa)
        await sweep_at(stack, installation_id, reported, 4)  # a coordinator is assigned
        assert comment_reads(sandbox, issue.number) == 0  # nothing unconfirmed: nothing asked
        sandbox.faults.drop_after("POST", COMMENTS)  # applied, but Warden never hears so
        with pytest.raises(aiohttp.ClientError):
            await sweep_at(stack, installation_id, reported, 76.01)
        assert reminders(sandbox, issue) == ["warn"]
        assert await unconfirmed(stack) == ["reminder"]
        await sweep_at(stack, installation_id, reported, 76.02)  # the replay
        assert reminders(sandbox, issue) == ["warn"]
        assert comment_reads(sandbox, issue.number) == 1  # the marker was looked for, once
        assert await unconfirmed(stack) == []
        await sweep_at(stack, installation_id, reported, 76.5)
        assert reminders(sandbox, issue) == ["warn"]  # and the warning is recorded as given
        assert comment_reads(sandbox, issue.number) == 1
        await sweep_at(stack, installation_id, reported, 83.01)
        assert reminders(sandbox, issue) == ["warn", "urgent"]


async def test_a_reminder_github_never_got_is_posted_on_the_replay(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        reported = clock.time()
        ghsa = await report(stack)
        issue = tracking_issue(sandbox, ghsa)
        await sweep_at(stack, installation_id, reported, 4)
        sandbox.faults.drop("POST", COMMENTS)  # lost on the way: GitHub has nothing
        with pytest.raises(aiohttp.ClientError):
            await sweep_at(stack, installation_id, reported, 76.01)
        assert reminders(sandbox, issue) == []
        await sweep_at(stack, installation_id, reported, 76.02)
        assert reminders(sandbox, issue) == ["warn"]
        await sweep_at(stack, installation_id, reported, 77)
        assert reminders(sandbox, issue) == ["warn"]


async def test_the_coordinator_is_mentioned_once_when_the_record_could_not_be_saved(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        reported = clock.time()
        ghsa = await report(stack)
        issue = tracking_issue(sandbox, ghsa)
        save = records.save
        failures = []

        async def save_fails_once(store: Any, record: records.Record) -> None:
            if record.coordinator is not None and not failures:
                failures.append(record.coordinator)
                raise OSError("the database went away")  # after the POST, before the record
            await save(store, record)

        monkeypatch.setattr(records, "save", save_fails_once)
        with pytest.raises(OSError):
            await sweep_at(stack, installation_id, reported, 3.5)
        assert len(failures) == 1
        await sweep_at(stack, installation_id, reported, 3.6)
        mentions = [c for c in comments(sandbox, issue) if "warden:coordinator" in c]
        assert len(mentions) == 1 and f"@{failures[0]}, you are now" in mentions[0]
        found = await records.find(stack.ctx.store, installation_id, CPY, ghsa)
        assert found is not None and found.coordinator == failures[0]
        assert found.assigned_at == pytest.approx(reported + 3.5 * DAY)


async def test_the_finished_comment_and_the_close_happen_once_across_a_crash(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        issue = tracking_issue(sandbox, ghsa)
        sandbox.edit_advisory(ORG, CPY, ghsa, state="closed")
        sandbox.faults.drop_after("POST", COMMENTS)  # GitHub took it; Warden never hears so
        with pytest.raises(aiohttp.ClientError):
            await sweep(stack, installation_id)
        await sweep(stack, installation_id)  # the replay
        await sweep(stack, installation_id)
        said = [c for c in comments(sandbox, issue) if "warden:advisory-finished" in c]
        assert len(said) == 1 and f"{ghsa} is closed" in said[0]
        assert (issue.state, issue.state_reason) == ("closed", "not_planned")
        assert await unconfirmed(stack) == []
        found = await records.find(stack.ctx.store, installation_id, CPY, ghsa)
        assert found is not None and found.finished_at is not None
        entries = await stack.ctx.store.audit_entries(f"{ORG}/{CPY}/{ghsa}")
        assert [e.detail for e in entries if e.kind == "advisory.finished"] == [{"state": "closed"}]
