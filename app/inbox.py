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
from collections.abc import Awaitable, Callable
from typing import Any

from gidgethub import routing, sansio

from app.context import Context
from app.github import describe_error, retry_after_of
from app.logs import log_context
from app.store import Delivery, NewDelivery, Store

log = logging.getLogger(__name__)

LEASE_SECONDS = 30.0
POLL_SECONDS = 0.5
MAX_BATCH = 256


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
        self._pending: asyncio.Queue[tuple[NewDelivery, asyncio.Future[bool]]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._write_loop(), name="intake-writer")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def submit(self, delivery: NewDelivery) -> bool:
        """Return once the delivery is committed: True if new, False if already stored."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        await self._pending.put((delivery, future))
        return await future

    async def _write_loop(self) -> None:
        while True:
            batch = [await self._pending.get()]
            while len(batch) < MAX_BATCH and not self._pending.empty():
                batch.append(self._pending.get_nowait())
            await self._write(batch)

    async def _write(self, batch: list[tuple[NewDelivery, asyncio.Future[bool]]]) -> None:
        # One id twice in a batch: the second is a duplicate of the first.
        unique = list({d.id: d for d, _ in reversed(batch)}.values())
        try:
            stored = await self._store.insert_deliveries(unique)
            results = dict(zip((d.id for d in unique), stored, strict=True))
        except Exception as exc:  # the request path answers 503; nothing was acknowledged
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for delivery, future in batch:
            new = results.pop(delivery.id, False)
            if not future.done():
                future.set_result(new)
        self._on_stored()


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
        self._tasks: list[asyncio.Task[None]] = []

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        if self.ctx.store.dialect == "sqlite" and await self.ctx.store.try_lead():
            # We hold the database file's lock, so whoever claimed these is dead.
            await self.ctx.store.release_all_processing(self.ctx.clock.time())
        self._tasks = [
            asyncio.create_task(self._work(), name=f"worker-{i}") for i in range(self.worker_count)
        ]
        self._tasks.append(asyncio.create_task(self._heartbeat(), name="lease-heartbeat"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
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

    async def _work(self) -> None:
        while True:
            try:
                delivery = await self.ctx.store.claim_delivery(
                    self.worker_id, self.ctx.clock.time(), LEASE_SECONDS
                )
            except Exception:
                log.exception("could not claim a delivery; retrying shortly")
                delivery = None
            if delivery is None:
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), POLL_SECONDS)
                continue
            await self.process(delivery)

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
                await ctx.store.complete_delivery(delivery.id, ctx.clock.time())
                status = "done"
        ctx.metrics.deliveries.labels(event=delivery.event, outcome=status).inc()
        ctx.metrics.processing_seconds.labels(event=delivery.event).observe(
            ctx.clock.time() - start
        )
        return status

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
