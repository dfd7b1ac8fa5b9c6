"""The GitHub client against the sandbox: tokens, ETags, retries, rate limits, recovery."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from gidgethub import routing, sansio

from app.platform.clock import Clock
from app.store import NewDelivery
from app.wiring import WIRING
from sandbox import Sandbox
from sandbox.testing import seed_psrt
from tests.harness import Stack, running

REPO = "/repos/python/cpython"


class Probe:
    """A router whose handler reads one repository per delivery, as real handlers do."""

    def __init__(self) -> None:
        self.router = routing.Router()
        self.calls = 0
        self.router.add(self.on_issue, "issues")

    async def on_issue(self, event: sansio.Event, gh: Any, *args: Any, **kw: Any) -> None:
        self.calls += 1
        repo = await gh.getitem(REPO)
        assert repo["name"] == "cpython"


@pytest.fixture
def probe() -> Probe:
    return Probe()


@pytest.fixture
async def probed(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, probe: Probe
) -> AsyncIterator[tuple[Stack, int]]:
    installation = seed_psrt(sandbox)
    async with running(
        sandbox, clock, tmp_path, router=probe.router, jobs=WIRING.jobs, max_inline_wait=2.0
    ) as stack:
        yield stack, installation


async def queue(stack: Stack, installation: int, count: int, prefix: str = "d") -> None:
    body = b'{"action": "opened", "issue": {"number": 1}}'
    deliveries = [
        NewDelivery(f"{prefix}-{n}", "issues", "opened", installation, None, body, time.time())
        for n in range(count)
    ]
    await stack.ctx.store.insert_deliveries(deliveries)
    await stack.idle(60)


def token_requests(sb: Sandbox, installation: int) -> int:
    return sb.count("POST", f"/app/installations/{installation}/access_tokens")


async def test_a_thousand_deliveries_cost_one_token(
    probed: tuple[Stack, int], probe: Probe
) -> None:
    stack, installation = probed
    await queue(stack, installation, 1000)
    assert probe.calls == 1000
    assert token_requests(stack.sb, installation) == 1
    reads = stack.sb.count("GET", REPO)
    not_modified = sum(1 for r in stack.sb.requests if r.path == REPO and r.not_modified)
    # The ETag cache answers all but the first read of each worker (four run at once).
    workers = stack.ctx.settings.workers
    assert reads == 1000 and not_modified >= 1000 - workers


async def test_a_token_near_expiry_is_refreshed_before_use(
    probed: tuple[Stack, int], probe: Probe
) -> None:
    stack, installation = probed
    await queue(stack, installation, 1, "early")
    stack.clock.advance(3600 - 120)  # the token has two minutes left
    await queue(stack, installation, 1, "late")
    assert token_requests(stack.sb, installation) == 2
    assert stack.sb.count(status=401) == 0


async def test_502_then_429_with_retry_after_then_success(
    probed: tuple[Stack, int], probe: Probe
) -> None:
    stack, installation = probed
    stack.sb.faults.add("GET", f"^{REPO}$", status=502)
    stack.sb.faults.add("GET", f"^{REPO}$", status=429, retry_after=1)
    started = time.monotonic()
    await queue(stack, installation, 1)
    assert time.monotonic() - started >= 1.0  # retry-after was honoured
    statuses = [r.status for r in stack.sb.requests if r.path == REPO]
    assert statuses == [502, 429, 200]
    delivery = await stack.ctx.store.get_delivery("d-0")
    assert delivery is not None and (delivery.status, delivery.attempts) == ("done", 1)


async def test_a_long_secondary_limit_reschedules_instead_of_blocking(
    probed: tuple[Stack, int], probe: Probe
) -> None:
    stack, installation = probed
    stack.sb.faults.secondary_limit("GET", f"^{REPO}$", retry_after=60)
    await stack.ctx.store.insert_deliveries(
        [NewDelivery("slow", "issues", "opened", installation, None, b"{}", time.time())]
    )
    await _until_not_processing(stack, "slow")
    delivery = await stack.ctx.store.get_delivery("slow")
    assert delivery is not None and delivery.status == "queued" and delivery.attempts == 1
    assert delivery is not None and delivery.next_attempt_at >= stack.clock.time() + 59
    assert "secondary rate limit" in (delivery.last_error or "")
    stack.clock.advance(61)
    await stack.idle()
    done = await stack.ctx.store.get_delivery("slow")
    assert done is not None and (done.status, done.attempts) == ("done", 2)


async def test_a_delivery_that_keeps_failing_is_listed_and_can_be_replayed(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, probe: Probe
) -> None:
    installation = seed_psrt(sandbox)
    async with running(
        sandbox, clock, tmp_path, router=probe.router, jobs=[], max_inline_wait=0.0
    ) as stack:
        sandbox.faults.add("GET", f"^{REPO}$", status=500, times=1000)
        await stack.ctx.store.insert_deliveries(
            [NewDelivery("doomed", "issues", "opened", installation, None, b"{}", time.time())]
        )
        for _ in range(3):
            await _until_not_processing(stack, "doomed")
            clock.advance(600)
        delivery = await stack.ctx.store.get_delivery("doomed")
        assert delivery is not None and (delivery.status, delivery.attempts) == ("failed", 3)
        assert "500" in (delivery.last_error or "")

        from app.cli import _list_deliveries, _replay

        listing = io.StringIO()
        with redirect_stdout(listing):
            await _list_deliveries(stack.ctx.store, True, 20, stack.ctx.settings)
        assert "doomed" in listing.getvalue() and "failed" in listing.getvalue()

        sandbox.faults.clear()
        replayed = io.StringIO()
        with redirect_stdout(replayed):
            assert await _replay(stack.ctx, "doomed") == 0
        assert replayed.getvalue().strip() == "delivery doomed: done"


async def _until_not_processing(stack: Stack, delivery_id: str) -> None:
    async with asyncio.timeout(10):
        while True:
            d = await stack.ctx.store.get_delivery(delivery_id)
            settled = d is not None and d.attempts >= 1 and d.status != "processing"
            if settled and (d.status == "failed" or d.next_attempt_at > stack.clock.time()):
                return
            await asyncio.sleep(0.02)
