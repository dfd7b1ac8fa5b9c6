"""Deliveries that failed while Warden was down come back, once each, within 3 days."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from gidgethub import routing, sansio

from app.intake.redeliver import guids_to_redeliver, recover_failed_deliveries
from app.platform.clock import Clock
from app.wiring import WIRING
from sandbox import Sandbox
from sandbox.testing import seed_psrt
from tests.harness import Stack, running


@pytest.fixture
async def down_then_up(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> AsyncIterator[tuple[Stack, list[str]]]:
    """Three issues opened while Warden was unreachable, then Warden comes up."""
    seen: list[str] = []

    async def on_issue(event: sansio.Event, gh: Any, *args: Any, **kw: Any) -> None:
        seen.append(event.data["issue"]["title"])

    router = routing.Router()
    router.add(on_issue, "issues", action="opened")
    seed_psrt(sandbox)
    sandbox.webhook_url = None
    for title in ("one", "two", "three"):
        await sandbox.open_issue("python", "psrt-governance", "bob", title)
    async with running(sandbox, clock, tmp_path, router=router, jobs=WIRING.jobs) as stack:
        yield stack, seen


def redelivery_requests(sb: Sandbox) -> int:
    return sum(1 for r in sb.requests if r.method == "POST" and r.path.endswith("/attempts"))


async def test_failed_deliveries_come_back_once(down_then_up: tuple[Stack, list[str]]) -> None:
    stack, seen = down_then_up
    assert seen == []
    assert await stack.scheduler.run_job("redeliver")
    await stack.idle()
    assert sorted(seen) == ["one", "three", "two"]
    assert redelivery_requests(stack.sb) == 3
    assert await stack.scheduler.run_job("redeliver")  # nothing left to ask for
    await stack.idle()
    assert redelivery_requests(stack.sb) == 3 and len(seen) == 3


async def test_the_job_runs_at_start(down_then_up: tuple[Stack, list[str]]) -> None:
    stack, seen = down_then_up
    assert await stack.scheduler.run_due() == ["redeliver"]
    await stack.idle()
    assert len(seen) == 3
    assert await stack.scheduler.run_due() == []  # not due again for five minutes


async def test_deliveries_older_than_three_days_are_left_alone(
    down_then_up: tuple[Stack, list[str]],
) -> None:
    stack, seen = down_then_up
    stack.clock.advance(3 * 24 * 3600 + 60)
    report = await recover_failed_deliveries(stack.ctx)
    assert report.redelivered == [] and redelivery_requests(stack.sb) == 0
    assert seen == []


async def test_a_guid_that_reached_warden_is_not_asked_for(
    down_then_up: tuple[Stack, list[str]],
) -> None:
    stack, _ = down_then_up
    first = await recover_failed_deliveries(stack.ctx)
    await stack.idle()
    assert len(first.redelivered) == 3
    await stack.ctx.store.execute("DELETE FROM redeliveries")  # even with no memory of asking
    second = await recover_failed_deliveries(stack.ctx)
    assert second.redelivered == []  # the inbox already holds them


def test_a_guid_with_one_success_is_not_redelivered() -> None:
    listing = [
        {"id": 3, "guid": "a", "status_code": 200, "delivered_at": "2026-11-24T10:02:00Z"},
        {"id": 2, "guid": "a", "status_code": 502, "delivered_at": "2026-11-24T10:01:00Z"},
        {"id": 1, "guid": "b", "status_code": 0, "delivered_at": "2026-11-24T10:00:00Z"},
        {"id": 4, "guid": "b", "status_code": 504, "delivered_at": "2026-11-24T10:03:00Z"},
    ]
    assert guids_to_redeliver(listing) == {"b": 4}
