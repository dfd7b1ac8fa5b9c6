"""A tracking issue changed by hand: closed while its advisory is open, its title or body
edited, its label removed. Warden puts its own parts back and says why, once per change."""

from __future__ import annotations

from pathlib import Path

from app.platform.clock import Clock
from sandbox import Sandbox
from tests.advisory_world import (
    CPY,
    DAY,
    GOV,
    ORG,
    comments,
    report,
    seed,
    settled,
    sweep,
    tracking_issue,
    writes,
)
from tests.harness import running


async def test_a_tracking_issue_closed_by_hand_while_the_advisory_is_open_is_reopened(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        issue = tracking_issue(sandbox, ghsa)
        await sandbox.edit_issue(ORG, GOV, issue.number, "bob", state="closed")
        await settled(stack)
        assert issue.state == "open"
        (said,) = comments(sandbox, issue)
        assert f"{ghsa} is still in triage" in said and "`[CLOSE]`" in said


async def test_a_tracking_issue_closed_by_hand_after_the_advisory_was_closed_stays_closed(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        issue = tracking_issue(sandbox, ghsa)
        sandbox.edit_advisory(ORG, CPY, ghsa, state="closed")  # no webhook: not swept yet
        await sandbox.edit_issue(ORG, GOV, issue.number, "bob", state="closed")
        await settled(stack)
        assert issue.state == "closed"
        (said,) = comments(sandbox, issue)
        assert f"{ghsa} is closed: this tracking issue is closed" in said


async def test_title_and_body_edited_by_hand_are_put_back_and_a_second_sweep_writes_nothing(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        issue = tracking_issue(sandbox, ghsa)
        title, body = issue.title, issue.body
        await sandbox.edit_issue(ORG, GOV, issue.number, "bob", title="x", body="notes")
        await settled(stack)
        assert (issue.title, issue.body) == (title, body)
        (said,) = comments(sandbox, issue)
        assert "title and body" in said and "comment instead" in said
        sandbox.reset_recording()
        await sweep(stack, installation_id)
        assert writes(sandbox) == []


async def test_the_advisory_label_removed_by_hand_is_put_back(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        issue = tracking_issue(sandbox, ghsa)
        await sandbox.remove_label(ORG, GOV, issue.number, "bob", "warden/advisory")
        await settled(stack)
        assert issue.labels == ["warden/advisory"]
        (said,) = comments(sandbox, issue)
        assert "`warden/advisory`" in said


async def test_a_deleted_tracking_issue_is_opened_again_and_reminders_go_there(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        reported = clock.time()
        ghsa = await report(stack)
        first = tracking_issue(sandbox, ghsa).number
        sandbox.delete_issue(ORG, GOV, first)
        clock.advance(reported + 77 * DAY - clock.time())  # a coordinator and a warning are due
        await sweep(stack, installation_id)
        await sweep(stack, installation_id)
        issue = tracking_issue(sandbox, ghsa)
        assert issue.number != first and issue.state == "open"
        said = comments(sandbox, issue)
        assert [c.split()[1] for c in said] == ["warden:coordinator", "warden:reminder"]
        sandbox.reset_recording()
        await sweep(stack, installation_id)
        assert writes(sandbox) == []


async def test_the_put_back_comment_is_posted_once_when_its_delivery_is_replayed_after_a_crash(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        issue = tracking_issue(sandbox, ghsa)
        sandbox.faults.drop_after("POST", rf"/repos/{ORG}/{GOV}/issues/\d+/comments$")
        await sandbox.edit_issue(ORG, GOV, issue.number, "bob", state="closed")
        await stack.idle()
        assert sandbox.faults.pending == []  # GitHub took the comment; Warden never heard so
        clock.advance(60)  # the delivery's retry is due
        await settled(stack)
        said = [c for c in comments(sandbox, issue) if "warden:tracking-restored" in c]
        assert len(said) == 1 and f"{ghsa} is still in triage" in said[0]
        assert issue.state == "open"
        assert await stack.ctx.store.fetch("SELECT step FROM advisory_comments") == []
