"""Signed webhook deliveries to Warden, recorded like GitHub's delivery log."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import aiohttp

from app.platform.clock import Clock

HOOK_ID = 424242
TIMEOUT_SECONDS = 10.0


@dataclass
class Delivery:
    """One delivery attempt, as ``GET /app/hook/deliveries`` lists it."""

    id: int
    guid: str
    event: str
    action: str | None
    installation_id: int | None
    repository_id: int | None
    body: bytes
    headers: dict[str, str]
    delivered_at: datetime
    redelivery: bool = False
    #: Place among the requests and the webhooks, in the order they began.
    seq: int = 0
    duration: float = 0.0
    status: str = "pending"
    status_code: int = 0
    response_body: str = ""
    done: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    @property
    def payload(self) -> dict[str, Any]:
        """The JSON payload sent."""
        result: dict[str, Any] = json.loads(self.body)
        return result


def sign(secret: str, body: bytes) -> dict[str, str]:
    """The two signature headers GitHub sets (SHA-256 and the legacy SHA-1)."""
    sha256 = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    sha1 = hmac.new(secret.encode(), body, hashlib.sha1).hexdigest()
    return {"X-Hub-Signature-256": f"sha256={sha256}", "X-Hub-Signature": f"sha1={sha1}"}


class Outbox:
    """Queues deliveries and POSTs them one at a time, in order, to ``url``."""

    def __init__(
        self, clock: Clock, app_id: int, secret: str, sequence: Iterator[int] | None = None
    ) -> None:
        self.clock = clock
        self.sequence = sequence if sequence is not None else itertools.count(1)
        self.app_id = app_id
        self.secret = secret
        self.url: str | None = None
        self.deliveries: list[Delivery] = []
        self._queue: asyncio.Queue[Delivery] = asyncio.Queue()
        self._worker: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._next_id = 90001

    async def start(self) -> None:
        """Start the sending worker (inside the running event loop)."""
        self._session = aiohttp.ClientSession()
        self._worker = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Stop sending; undelivered items stay queued."""
        if self._worker:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)
        if self._session:
            await self._session.close()

    def send(
        self,
        event: str,
        action: str | None,
        payload: dict[str, Any],
        installation_id: int | None,
        repository_id: int | None,
    ) -> Delivery:
        """Queue a new delivery of ``payload``."""
        body = json.dumps(payload).encode()
        return self._enqueue(
            event, action, body, str(uuid.uuid4()), installation_id, repository_id, redelivery=False
        )

    def redeliver(self, original: Delivery) -> Delivery:
        """Queue the same payload again: a new delivery record, same guid."""
        return self._enqueue(
            original.event,
            original.action,
            original.body,
            original.guid,
            original.installation_id,
            original.repository_id,
            redelivery=True,
        )

    def _enqueue(
        self,
        event: str,
        action: str | None,
        body: bytes,
        guid: str,
        installation_id: int | None,
        repository_id: int | None,
        redelivery: bool,
    ) -> Delivery:
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "GitHub-Hookshot/sandbox",
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": guid,
            "X-GitHub-Hook-ID": str(HOOK_ID),
            "X-GitHub-Hook-Installation-Target-Type": "integration",
            "X-GitHub-Hook-Installation-Target-ID": str(self.app_id),
            **sign(self.secret, body),
        }
        delivery = Delivery(
            self._next_id,
            guid,
            event,
            action,
            installation_id,
            repository_id,
            body,
            headers,
            self.clock.now(),
            redelivery=redelivery,
            seq=next(self.sequence),
        )
        self._next_id += 1
        self.deliveries.append(delivery)
        self._queue.put_nowait(delivery)
        return delivery

    async def settle(self) -> None:
        """Wait until every queued delivery got an answer (or failed)."""
        await self._queue.join()

    async def _run(self) -> None:
        while True:
            delivery = await self._queue.get()
            try:
                await self._post(delivery)
            finally:
                delivery.done.set()
                self._queue.task_done()

    async def _post(self, delivery: Delivery) -> None:
        started = time.monotonic()
        delivery.delivered_at = self.clock.now()
        try:
            if not self.url or self._session is None:
                raise aiohttp.ClientConnectionError("failed to connect to host")
            timeout = aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)
            async with self._session.post(
                self.url, data=delivery.body, headers=delivery.headers, timeout=timeout
            ) as answer:
                delivery.status_code = answer.status
                delivery.response_body = (await answer.text())[:2000]
                delivery.status = (
                    "OK" if answer.status < 300 else (f"Invalid HTTP Response: {answer.status}")
                )
        except TimeoutError:
            delivery.status, delivery.status_code = "timed out", 0
        except aiohttp.ClientError as error:
            delivery.status, delivery.status_code = str(error) or "failed to connect", 0
        delivery.duration = round(time.monotonic() - started, 3)
