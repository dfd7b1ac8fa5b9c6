"""The inbox never leaves a delivery unowned: an outcome the database refuses is written again,
a lease is renewed only while a task runs the delivery, and an expired lease is claimed again;
meanwhile `deliveries --stuck` and /metrics show what is stuck."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient, TestServer
from gidgethub import routing, sansio

from app.context import Context
from app.feature import Feature, Wiring
from app.intake.inbox import BURST_CLAIM_GAP, BURST_SECONDS, Inbox
from app.platform.settings import Settings
from app.runtime import open_runtime
from app.server import RUNNING, create_app
from app.store import NewDelivery, Store
from tests.conftest import example_payload
from tests.e2e.test_cli import warden

KEY = "issue:1:7"  # every delivery here is about one issue: each waits for the one before


class Handled:
    """A router whose handler records the delivery ids it ran, in order."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.router = routing.Router()
        self.router.add(self.on_opened, "issues", action="opened")

    async def on_opened(self, event: sansio.Event, gh: Any, *args: Any, **kw: Any) -> None:
        self.ids.append(event.delivery_id)


class DiskFull:
    """``complete_deliveries`` refuses while ``full`` (or for its next ``times`` calls)."""

    def __init__(self, store: Store, times: int = 0) -> None:
        self.complete = store.complete_deliveries
        self.full = False
        self.times = times
        self.refused = 0

    async def __call__(self, ids: Sequence[str], now: float) -> None:
        if self.full or self.times > 0:
            self.times -= 1
            self.refused += 1
            raise OSError(28, "database or disk is full")
        await self.complete(ids, now)


def delivery(n: int, key: str | None = KEY, ago: float = 0.0) -> NewDelivery:
    payload = example_payload("issues.opened")
    del payload["installation"]  # no GitHub client is needed to run it
    body = json.dumps(payload).encode()
    return NewDelivery(f"d{n}", "issues", "opened", None, key, body, time.time() - ago)


@pytest.fixture
async def context(
    settings_for: Callable[..., Settings], database_url: str
) -> AsyncIterator[tuple[Context, Handled]]:
    handled = Handled()
    wiring = Wiring.of(Feature("test", router=handled.router))
    async with open_runtime(settings_for(database_url=database_url), wiring) as ctx:
        yield ctx, handled


async def all_done(store: Store, ids: Sequence[str], seconds: float = 10.0) -> None:
    async with asyncio.timeout(seconds):
        while True:
            found = [await store.get_delivery(i) for i in ids]
            if all(d is not None and d.status == "done" for d in found):
                return
            await asyncio.sleep(0.02)


async def test_an_outcome_the_database_refuses_at_first_is_written_on_a_retry(
    context: tuple[Context, Handled], monkeypatch: pytest.MonkeyPatch
) -> None:
    ctx, handled = context
    monkeypatch.setattr(ctx.store, "complete_deliveries", DiskFull(ctx.store, times=2))
    await ctx.store.insert_deliveries([delivery(1), delivery(2)])
    inbox = Inbox(ctx, ctx.wiring.router, workers=4, max_attempts=3)
    await inbox.start()
    try:
        await all_done(ctx.store, ["d1", "d2"])
    finally:
        await inbox.stop()
    assert handled.ids == ["d1", "d2"]  # each ran once, in order


async def test_a_delivery_whose_outcome_cannot_be_written_is_claimed_again_when_its_lease_ends(
    context: tuple[Context, Handled], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The disk is full when d1 finishes: its lease is not renewed, it expires, d1 runs again
    once the disk has room, and the five deliveries about the same issue follow in order."""
    ctx, handled = context
    disk = DiskFull(ctx.store)
    disk.full = True
    monkeypatch.setattr(ctx.store, "complete_deliveries", disk)
    inbox = Inbox(ctx, ctx.wiring.router, workers=4, max_attempts=3, lease_seconds=0.6)
    inbox.record_retries = (0.01, 0.01)
    await ctx.store.insert_deliveries([delivery(1)])
    await inbox.start()
    try:
        async with asyncio.timeout(10):
            while disk.refused < 3:  # d1 ran; its "done" was refused, and again
                await asyncio.sleep(0.02)
        await ctx.store.insert_deliveries([delivery(n) for n in range(2, 7)])
        await asyncio.sleep(1.5)  # more than two leases: the old heartbeat kept renewing
        disk.full = False
        await all_done(ctx.store, [f"d{n}" for n in range(1, 7)])
    finally:
        await inbox.stop()
    assert handled.ids.count("d1") >= 2  # claimed again after its lease ran out
    assert [i for i in handled.ids if i != "d1"] == [f"d{n}" for n in range(2, 7)]


async def test_stuck_deliveries_are_listed_and_counted(
    settings_for: Callable[..., Settings], tmp_path: Path
) -> None:
    """A delivery processing past its lease (its worker died) shows in `deliveries --stuck`
    and in /metrics until a worker claims it again."""
    settings = settings_for()
    app = create_app(settings, wiring=Wiring.of(), run_workers=False, run_scheduler=False)
    async with TestClient(TestServer(app)) as client:
        ctx = client.app[RUNNING].ctx
        assert ctx is not None
        await ctx.store.insert_deliveries([delivery(1, ago=200), delivery(2, key=None)])
        claimed = await ctx.store.claim_deliveries("dead-worker", time.time() - 120, 30.0, 1)
        assert [d.id for d in claimed] == ["d1"]
        text = await (await client.get("/metrics")).text()
        assert "warden_deliveries_stuck 1.0" in text
        result = await asyncio.to_thread(
            warden,
            "deliveries",
            "--stuck",
            env={"DATABASE_URL": settings.database_url},
            cwd=tmp_path,
        )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["DELIVERY", "EVENT", "LEASE", "EXPIRED", "CLAIMED", "BY"]
    assert lines[1].split()[:2] == ["d1", "issues.opened"]
    assert lines[1].split()[-1] == "dead-worker"
    assert len(lines) == 2  # d2 is queued, not stuck


async def test_workers_claim_at_a_pause_in_a_burst_of_webhooks_or_soon_after_it_began(
    context: tuple[Context, list[str]],
) -> None:
    # While webhooks keep arriving, answering them comes first: the feeder claims at a
    # pause in the burst, or BURST_CLAIM_GAP after it began waiting, never later.
    ctx, _ = context
    inbox = Inbox(ctx, ctx.wiring.router, workers=4, max_attempts=3)
    start = time.monotonic()
    await inbox._yield_to_intake()
    assert time.monotonic() - start < BURST_SECONDS  # no burst: no wait

    async def burst(seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            inbox.stored()
            await asyncio.sleep(BURST_SECONDS / 5)

    stored = asyncio.create_task(burst(1.0))
    await asyncio.sleep(0.01)
    start = time.monotonic()
    await inbox._yield_to_intake()
    waited = time.monotonic() - start
    stored.cancel()
    assert BURST_CLAIM_GAP * 0.9 <= waited < BURST_CLAIM_GAP + 0.05

    inbox.stored()  # the last webhook of a burst: the claim follows the pause
    start = time.monotonic()
    await inbox._yield_to_intake()
    assert BURST_SECONDS * 0.5 <= time.monotonic() - start < BURST_CLAIM_GAP
