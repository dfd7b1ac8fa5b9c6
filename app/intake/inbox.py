"""The durable inbox: group-committed intake, and workers that run each delivery at least once."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import socket
import traceback
import uuid
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from gidgethub import routing, sansio

from app.context import Context
from app.github.client import describe_error, retry_after_of
from app.platform.batch import Batcher
from app.platform.logs import log_context
from app.store import Delivery, NewDelivery, Store

log = logging.getLogger(__name__)

LEASE_SECONDS = 30.0
POLL_SECONDS = 0.5


def ordering_key(event: str, data: Any) -> str | None:
    """Deliveries with the same key are processed in the order they arrived."""
    if not isinstance(data, dict):
        return None
    repo = (data.get("repository") or {}).get("id")
    if event in ("issues", "issue_comment") and isinstance(data.get("issue"), dict):
        return f"issue:{repo}:{data['issue'].get('number')}"
    if event == "repository_advisory" and isinstance(data.get("repository_advisory"), dict):
        return f"advisory:{data['repository_advisory'].get('ghsa_id')}"
    if event in ("membership", "team") and isinstance(data.get("team"), dict):
        return f"team:{data['team'].get('id')}"
    if event == "pull_request" and isinstance(data.get("pull_request"), dict):
        return f"pull:{repo}:{data['pull_request'].get('number')}"
    if event == "push":
        return f"push:{repo}:{data.get('ref')}"
    if event in ("installation", "organization") and isinstance(data.get("installation"), dict):
        return f"installation:{data['installation'].get('id')}"
    return None


class Intake:
    """Stores deliveries, batching concurrent ones into one durable transaction."""

    def __init__(self, store: Store, on_stored: Callable[[], None]) -> None:
        self._store = store
        self._on_stored = on_stored
        self._batcher: Batcher[NewDelivery, bool] = Batcher(self._write, "intake-writer")

    def start(self) -> None:
        self._batcher.start()

    async def stop(self) -> None:
        await self._batcher.stop()

    async def submit(self, delivery: NewDelivery) -> bool:
        """Return once the delivery is committed: True if new, False if already stored."""
        return await self._batcher.submit(delivery)

    async def _write(self, batch: Sequence[NewDelivery]) -> list[bool]:
        # One id twice in a batch: only its first copy is new.
        unique = list({d.id: d for d in reversed(batch)}.values())
        stored = dict(
            zip((d.id for d in unique), await self._store.insert_deliveries(unique), strict=True)
        )
        results = [stored.pop(d.id, False) for d in batch]
        self._on_stored()
        return results


Dispatch = Callable[[Delivery], Awaitable[None]]


class Inbox:
    """Claims due deliveries and runs them through the router, retrying transient failures."""

    def __init__(self, ctx: Context, router: routing.Router, *, workers: int, max_attempts: int):
        self.ctx = ctx
        self.router = router
        self.worker_count = workers
        self.max_attempts = max_attempts
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._wake = asyncio.Event()
        self._slot_freed = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._running: set[asyncio.Task[str]] = set()
        self._completer: Batcher[str, None] = Batcher(self._complete, "completer")

    def wake(self) -> None:
        self._wake.set()

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
        while True:
            await asyncio.sleep(LEASE_SECONDS / 3)
            now = self.ctx.clock.time()
            try:
                await self.ctx.store.extend_leases(self.worker_id, now + LEASE_SECONDS)
                await self.ctx.store.reap_expired_leases(now)
            except Exception:
                log.exception("could not renew leases; trying again shortly")

    async def _feed(self) -> None:
        """Claim as many due deliveries as there are free workers, and start them."""
        while True:
            free = self.worker_count - len(self._running)
            if free <= 0:
                self._slot_freed.clear()
                await self._slot_freed.wait()
                continue
            try:
                batch = await self.ctx.store.claim_deliveries(
                    self.worker_id, self.ctx.clock.time(), LEASE_SECONDS, free
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
        """Run one claimed delivery; return its new status."""
        ctx = self.ctx.for_delivery(delivery.id)
        start = ctx.clock.time()
        with log_context(
            delivery=delivery.id, event=delivery.event, installation=delivery.installation_id
        ):
            try:
                await self._dispatch(ctx, delivery)
            except Exception as exc:
                status = await self._failed(delivery, exc)
            else:
                await self._mark_done(delivery.id)
                status = "done"
        ctx.metrics.deliveries.labels(event=delivery.event, outcome=status).inc()
        ctx.metrics.processing_seconds.labels(event=delivery.event).observe(
            ctx.clock.time() - start
        )
        return status

    async def _mark_done(self, delivery_id: str) -> None:
        if self._completer.running:
            await self._completer.submit(delivery_id)
        else:  # replay from the command line: no background tasks
            await self.ctx.store.complete_deliveries([delivery_id], self.ctx.clock.time())

    async def _dispatch(self, ctx: Context, delivery: Delivery) -> None:
        data = json.loads(delivery.body)
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
