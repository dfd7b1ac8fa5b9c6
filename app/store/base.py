"""The store interface: connections, migrations, locks; the queries live in their own modules."""

from __future__ import annotations

import asyncio
import logging
import time
from abc import abstractmethod
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager

from app.store.audit import AuditEntry, AuditLog
from app.store.deliveries import (
    CLAIM,
    CLAIMABLE,
    Deliveries,
    Delivery,
    NewDelivery,
)
from app.store.jobs import Jobs, JobState
from app.store.migrations import MIGRATIONS, statements_for
from app.store.sql import Row

log = logging.getLogger(__name__)


class Store(Deliveries, Jobs, AuditLog):
    """Everything Warden keeps. Both backends pass the same tests.

    Backends provide connections, ``execute``/``fetch`` and the few statements
    whose SQL differs; every other query is written once here with ``?``
    placeholders.
    """

    dialect: str
    #: Told the size and duration of each group of deliveries intake made durable in one
    #: commit (``/metrics``). The SQLite store calls it from its own thread.
    intake_observer: Callable[[int, float], None] | None = None

    def _observe_group(self, size: int, started: float) -> None:
        if self.intake_observer is not None:
            self.intake_observer(size, time.perf_counter() - started)

    @abstractmethod
    async def open(self) -> None:
        """Connect and apply pending migrations."""

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def ping(self) -> bool: ...

    async def probe_write(self, now: float) -> bool:
        """True when the database takes a small write within two seconds."""
        try:
            async with asyncio.timeout(2.0):
                await self.execute(
                    "INSERT INTO write_probes (name, at) VALUES ('readyz', ?) "
                    "ON CONFLICT (name) DO UPDATE SET at = excluded.at",
                    now,
                )
        except Exception as exc:  # whatever the backend raises, the answer is "not ready"
            log.warning("the database refused a write: %s: %s", type(exc).__name__, exc)
            return False
        return True

    @abstractmethod
    async def insert_deliveries(self, deliveries: Sequence[NewDelivery]) -> list[bool]:
        """Store new deliveries durably in one transaction; False for an id already stored."""

    @abstractmethod
    async def store_delivery(self, delivery: NewDelivery) -> bool:
        """Store one webhook delivery durably, in one transaction with the deliveries
        submitted meanwhile (group commit); False for an id already stored. A delivery the
        database refuses fails alone (its caller gets the error); its neighbours are stored."""

    @abstractmethod
    async def claim_deliveries(
        self, worker: str, now: float, lease: float, limit: int
    ) -> list[Delivery]:
        """Take up to ``limit`` due deliveries for ``worker``, oldest first."""

    async def claim_delivery(self, worker: str, now: float, lease: float) -> Delivery | None:
        """Take the next due delivery for ``worker``, or None."""
        claimed = await self.claim_deliveries(worker, now, lease, 1)
        return claimed[0] if claimed else None

    @abstractmethod
    async def try_lead(self) -> bool:
        """Become (or stay) the one process that runs scheduled jobs."""

    @abstractmethod
    def lock(self, namespace: str, key: str) -> AbstractAsyncContextManager[None]:
        """``async with store.lock("advisory", key):`` one holder at a time of the name
        (``namespace``, ``key``), across every replica sharing the database; released when
        the block ends, however it ends."""

    async def migrate(self) -> None:
        await self._run_script(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
            "description TEXT NOT NULL)"
        )
        rows = await self.fetch("SELECT version FROM schema_version")
        applied = {int(r["version"]) for r in rows}
        for version, description, statements in MIGRATIONS:
            if version in applied:
                continue
            script = [*statements_for(self.dialect, statements)]
            await self._apply_migration(version, description, script)

    @abstractmethod
    async def _run_script(self, sql: str) -> None: ...

    @abstractmethod
    async def _apply_migration(self, version: int, description: str, script: list[str]) -> None:
        """Run one migration and record it, atomically."""


__all__ = [
    "CLAIM",
    "CLAIMABLE",
    "AuditEntry",
    "Delivery",
    "JobState",
    "NewDelivery",
    "Row",
    "Store",
]
