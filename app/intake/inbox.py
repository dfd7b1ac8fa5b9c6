"""The durable inbox: group-committed intake, and workers that run each delivery at least once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable, Sequence

from gidgethub import routing, sansio

from app.context import Context
from app.github.client import describe_error, retry_after_of
from app.intake.shapes import check_shape, parse_json
from app.platform.batch import Batcher
from app.platform.logs import log_context
from app.platform.metrics import event_label
from app.store import Delivery, NewDelivery, Store

log = logging.getLogger(__name__)

LEASE_SECONDS = 30.0
POLL_SECONDS = 0.5
#: Webhooks stored this close together are a burst. During one, answering them within
#: GitHub's 10 seconds comes first: the workers claim at a pause in it, or after
#: BURST_CLAIM_GAP at the latest (the burst is acknowledged now, and processed meanwhile
#: and right after).
BURST_SECONDS = 0.005
BURST_CLAIM_GAP = 0.05
#: Waits between tries to write a delivery's outcome (a full disk, a lost connection);
#: after the last one the delivery is left to its lease, which expires, and runs again.
RECORD_RETRIES = (0.05, 0.2, 0.5, 1.0, 2.0, 4.0)


class Intake:
    """Stores deliveries (the store group-commits concurrent ones) and wakes the workers."""

    def __init__(self, store: Store, on_stored: Callable[[], None]) -> None:
        self._store = store
        self._on_stored = on_stored

    async def submit(self, delivery: NewDelivery) -> bool:
        """Return once the delivery is committed: True if new, False if already stored."""
        new = await self._store.store_delivery(delivery)
        if new:
            self._on_stored()
        return new


Dispatch = Callable[[Delivery], Awaitable[None]]


class Inbox:
    """Claims due deliveries and runs them through the router, retrying transient failures."""

    def __init__(
        self,
        ctx: Context,
        router: routing.Router,
        *,
        workers: int,
        max_attempts: int,
        lease_seconds: float = LEASE_SECONDS,
    ):
        self.ctx = ctx
        self.router = router
        self.worker_count = workers
        self.max_attempts = max_attempts
        self.lease_seconds = lease_seconds
        self.record_retries = RECORD_RETRIES
        self._active: set[str] = set()  # ids a task of this worker is running right now
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._wake = asyncio.Event()
        self._last_stored = 0.0  # time.monotonic() of the last delivery intake stored
        self._slot_freed = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._running: set[asyncio.Task[str]] = set()
        self._completer: Batcher[str, None] = Batcher(self._complete, "completer")

    def stored(self) -> None:
        """Intake stored a delivery: wake the feeder, and note the time (bursts)."""
        self._last_stored = time.monotonic()
        self._wake.set()

    async def _yield_to_intake(self) -> None:
        """Wait for a pause in a burst of webhooks, for at most BURST_CLAIM_GAP."""
        deadline = time.monotonic() + BURST_CLAIM_GAP
        while time.monotonic() - self._last_stored < BURST_SECONDS:
            if time.monotonic() >= deadline:
                return
            await asyncio.sleep(BURST_SECONDS)

    async def start(self) -> None:
        if self.ctx.store.dialect == "sqlite" and await self.ctx.store.try_lead():
            # We hold the database file's lock, so whoever claimed these is dead.
            await self.ctx.store.release_all_processing(self.ctx.clock.time())
        self._completer.start()
        self._tasks = [
            asyncio.create_task(self._feed(), name="inbox-feeder"),
            asyncio.create_task(self._heartbeat(), name="lease-heartbeat"),
        ]

    async def stop(self) -> None:
        for task in [*self._tasks, *self._running]:
            task.cancel()
        await asyncio.gather(*self._tasks, *self._running, return_exceptions=True)
        await self._completer.stop()
        try:
            await self.ctx.store.release_worker(self.worker_id, self.ctx.clock.time())
        except Exception as exc:  # their leases expire and another worker takes them
            log.warning("could not hand back claimed deliveries: %s", exc)

    async def _heartbeat(self) -> None:
        """Renew the leases of running deliveries only; queue again those whose lease ran
        out (here or on a dead replica); repair a key left without a ready head."""
        while True:
            await asyncio.sleep(self.lease_seconds / 3)
            now = self.ctx.clock.time()
            store = self.ctx.store
            try:
                await store.extend_leases(
                    self.worker_id, sorted(self._active), now + self.lease_seconds
                )
                await store.reap_expired_leases(now)
                await store.repair_heads()
            except Exception as exc:
                log.warning("could not renew leases (%s); trying again shortly", exc)
            self._wake.set()

    async def _feed(self) -> None:
        """Claim as many due deliveries as there are free workers, and start them."""
        while True:
            free = self.worker_count - len(self._running)
            if free <= 0:
                self._slot_freed.clear()
                await self._slot_freed.wait()
                continue
            await self._yield_to_intake()
            try:
                batch = await self.ctx.store.claim_deliveries(
                    self.worker_id, self.ctx.clock.time(), self.lease_seconds, free
                )
            except Exception:
                log.exception("could not claim deliveries; retrying shortly")
                batch = []
            if not batch:
                self._wake.clear()
                # Not wait_for: on 3.11 it can swallow the cancel that stops the inbox.
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(POLL_SECONDS):
                        await self._wake.wait()
                continue
            for delivery in batch:
                self._active.add(delivery.id)
                task = asyncio.create_task(self.process(delivery), name=f"delivery-{delivery.id}")
                self._running.add(task)
                task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[str]) -> None:
        self._running.discard(task)
        self._slot_freed.set()
        self._wake.set()  # a finished delivery may unblock the next one about its subject

    async def _complete(self, ids: Sequence[str]) -> list[None]:
        await self.ctx.store.complete_deliveries(list(ids), self.ctx.clock.time())
        return [None] * len(ids)

    async def process(self, delivery: Delivery) -> str:
        """Run one claimed delivery; return its new status (``lost`` when it could not be
        written: the lease then runs out and the delivery runs again)."""
        ctx = self.ctx.for_delivery(delivery.id)
        start = ctx.clock.time()
        self._active.add(delivery.id)
        try:
            with log_context(
                delivery=delivery.id, event=delivery.event, installation=delivery.installation_id
            ):
                status = await self._run(ctx, delivery)
        finally:
            self._active.discard(delivery.id)
        event = event_label(delivery.event)
        ctx.metrics.deliveries.labels(event=event, outcome=status).inc()
        ctx.metrics.processing_seconds.labels(event=event).observe(ctx.clock.time() - start)
        return status

    async def _run(self, ctx: Context, delivery: Delivery) -> str:
        try:
            await self._dispatch(ctx, delivery)
        except Exception as exc:
            error = exc
        else:
            return await self._record(lambda: self._mark_done(delivery.id))
        return await self._record(lambda: self._failed(delivery, error))

    async def _record(self, write: Callable[[], Awaitable[str]]) -> str:
        """Write an outcome, trying again while the store refuses; ``lost`` if it never took."""
        for wait in (*self.record_retries, None):
            try:
                return await write()
            except Exception as exc:
                if wait is None:
                    log.error("could not record the outcome (%s); its lease will expire", exc)
                    return "lost"
                log.warning("could not record the outcome (%s); trying again", exc)
                await asyncio.sleep(wait)
        return "lost"

    async def _mark_done(self, delivery_id: str) -> str:
        if self._completer.running:
            await self._completer.submit(delivery_id)
        else:  # replay from the command line: no background tasks
            await self.ctx.store.complete_deliveries([delivery_id], self.ctx.clock.time())
        return "done"

    async def _dispatch(self, ctx: Context, delivery: Delivery) -> None:
        data = parse_json(delivery.body)
        check_shape(delivery.event, data)  # handlers never see a payload of the wrong shape
        event = sansio.Event(data, event=delivery.event, delivery_id=delivery.id)
        gh = None
        if ctx.github is not None and delivery.installation_id is not None:
            gh = ctx.github.installation_client(delivery.installation_id)
        await self.router.dispatch(event, gh, ctx=ctx)

    async def _failed(self, delivery: Delivery, exc: Exception) -> str:
        now = self.ctx.clock.time()
        wait = retry_after_of(exc, now)
        error = describe_error(exc)
        if wait is not None and delivery.attempts < self.max_attempts:
            delay = max(wait, min(600.0, 2.0**delivery.attempts))
            log.warning(
                "attempt %d failed (%s); retrying in %.0fs", delivery.attempts, error, delay
            )
            await self.ctx.store.retry_delivery(delivery.id, error, now + delay)
            return "retrying"
        log.error(
            "delivery failed after %d attempt(s): %s\n%s",
            delivery.attempts,
            error,
            "".join(traceback.format_exception(exc)[-3:]),
        )
        await self.ctx.store.fail_delivery(delivery.id, error, now)
        return "failed"
