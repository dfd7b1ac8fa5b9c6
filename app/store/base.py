"""The store interface and the SQL both backends share."""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any

from app.store.migrations import MIGRATIONS, statements_for

Row = dict[str, Any]

QUEUED, PROCESSING, DONE, FAILED = "queued", "processing", "done", "failed"

# A delivery is claimable when it is due and no earlier delivery about the same
# subject (issue, advisory, team) is still waiting or running: that keeps
# deliveries about one subject in order while the rest run concurrently.
CLAIMABLE = """
    SELECT d.seq FROM deliveries d
    WHERE d.status = 'queued' AND d.next_attempt_at <= ?
      AND (d.ordering_key IS NULL OR NOT EXISTS (
            SELECT 1 FROM deliveries e
            WHERE e.ordering_key = d.ordering_key AND e.seq < d.seq
              AND e.status IN ('queued', 'processing')))
    ORDER BY d.seq LIMIT ?
"""

CLAIM = """
    UPDATE deliveries
    SET status = 'processing', attempts = attempts + 1, claimed_by = ?, lease_until = ?
    WHERE seq IN ({claimable})
    RETURNING *
"""


INSERT_DELIVERY = (
    "INSERT INTO deliveries (id, event, action, installation_id, ordering_key, body, "
    "received_at, status, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?) "
    "ON CONFLICT (id) DO NOTHING RETURNING seq"
)


@dataclass(frozen=True)
class NewDelivery:
    """A webhook delivery as received, before it is stored."""

    id: str
    event: str
    action: str | None
    installation_id: int | None
    ordering_key: str | None
    body: bytes
    received_at: float

    def values(self) -> tuple[Any, ...]:
        """The parameters of ``INSERT_DELIVERY``."""
        return (
            self.id,
            self.event,
            self.action,
            self.installation_id,
            self.ordering_key,
            self.body,
            self.received_at,
            self.received_at,
        )


@dataclass(frozen=True)
class Delivery:
    """A stored delivery and where it stands."""

    seq: int
    id: str
    event: str
    action: str | None
    installation_id: int | None
    ordering_key: str | None
    body: bytes
    received_at: float
    status: str
    attempts: int
    next_attempt_at: float
    last_error: str | None
    finished_at: float | None

    @classmethod
    def from_row(cls, row: Row) -> Delivery:
        return cls(
            seq=int(row["seq"]),
            id=row["id"],
            event=row["event"],
            action=row["action"],
            installation_id=row["installation_id"],
            ordering_key=row["ordering_key"],
            body=bytes(row["body"]),
            received_at=float(row["received_at"]),
            status=row["status"],
            attempts=int(row["attempts"]),
            next_attempt_at=float(row["next_attempt_at"]),
            last_error=row["last_error"],
            finished_at=row["finished_at"],
        )


@dataclass(frozen=True)
class JobState:
    """When a scheduled job last ran and when it is due again."""

    name: str
    next_due_at: float
    last_started_at: float | None
    last_finished_at: float | None
    last_error: str | None
    runs: int


@dataclass(frozen=True)
class AuditEntry:
    """One line of the append-only audit log."""

    at: float
    kind: str
    subject: str
    detail: dict[str, Any]
    installation_id: int | None = None
    delivery_id: str | None = None


class Store(ABC):
    """Everything Warden keeps. Both backends pass the same tests.

    Backends provide connections, ``execute``/``fetch`` and the few statements
    whose SQL differs; every other query is written once here with ``?``
    placeholders.
    """

    dialect: str

    @abstractmethod
    async def open(self) -> None:
        """Connect and apply pending migrations."""

    @abstractmethod
    async def close(self) -> None: ...

    @abstractmethod
    async def ping(self) -> bool: ...

    @abstractmethod
    async def insert_deliveries(self, deliveries: Sequence[NewDelivery]) -> list[bool]:
        """Store new deliveries durably in one transaction; False for an id already stored."""

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

    @abstractmethod
    async def execute(self, sql: str, *args: Any) -> None: ...

    @abstractmethod
    async def fetch(self, sql: str, *args: Any) -> list[Row]: ...

    async def fetchrow(self, sql: str, *args: Any) -> Row | None:
        rows = await self.fetch(sql, *args)
        return rows[0] if rows else None

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

    async def complete_delivery(self, delivery_id: str, now: float) -> None:
        await self.complete_deliveries([delivery_id], now)

    async def complete_deliveries(self, delivery_ids: Sequence[str], now: float) -> None:
        """Mark deliveries done, in one statement."""
        if not delivery_ids:
            return
        marks = ", ".join("?" for _ in delivery_ids)
        await self.execute(
            "UPDATE deliveries SET status = 'done', finished_at = ?, lease_until = NULL, "
            f"last_error = NULL WHERE id IN ({marks})",
            now,
            *delivery_ids,
        )

    async def retry_delivery(self, delivery_id: str, error: str, next_attempt_at: float) -> None:
        await self.execute(
            "UPDATE deliveries SET status = 'queued', last_error = ?, next_attempt_at = ?, "
            "lease_until = NULL WHERE id = ?",
            error,
            next_attempt_at,
            delivery_id,
        )

    async def fail_delivery(self, delivery_id: str, error: str, now: float) -> None:
        await self.execute(
            "UPDATE deliveries SET status = 'failed', last_error = ?, finished_at = ?, "
            "lease_until = NULL WHERE id = ?",
            error,
            now,
            delivery_id,
        )

    async def extend_leases(self, worker: str, until: float) -> None:
        await self.execute(
            "UPDATE deliveries SET lease_until = ? WHERE status = 'processing' AND claimed_by = ?",
            until,
            worker,
        )

    async def requeue_delivery(self, delivery_id: str, now: float) -> bool:
        """Put a stored delivery back in the queue (replay); False if unknown."""
        row = await self.fetchrow(
            "UPDATE deliveries SET status = 'queued', attempts = 0, next_attempt_at = ?, "
            "finished_at = NULL, lease_until = NULL WHERE id = ? RETURNING seq",
            now,
            delivery_id,
        )
        return row is not None

    async def release_worker(self, worker: str, now: float) -> None:
        """Give back what a stopping worker had claimed, untouched."""
        await self.execute(
            "UPDATE deliveries SET status = 'queued', attempts = attempts - 1, "
            "next_attempt_at = ?, lease_until = NULL WHERE status = 'processing' "
            "AND claimed_by = ?",
            now,
            worker,
        )

    async def reap_expired_leases(self, now: float) -> None:
        """Queue again what a dead worker had claimed (its lease ran out)."""
        await self.execute(
            "UPDATE deliveries SET status = 'queued', lease_until = NULL "
            "WHERE status = 'processing' AND lease_until < ?",
            now,
        )

    async def release_all_processing(self, now: float) -> None:
        """After a crash of the only process: give every claimed delivery back."""
        await self.execute(
            "UPDATE deliveries SET status = 'queued', next_attempt_at = ?, lease_until = NULL "
            "WHERE status = 'processing'",
            now,
        )

    async def claim_specific(
        self, delivery_id: str, worker: str, now: float, lease: float
    ) -> Delivery | None:
        """Claim one named delivery (replay) unless a worker is running it right now."""
        row = await self.fetchrow(
            "UPDATE deliveries SET status = 'processing', attempts = 1, claimed_by = ?, "
            "lease_until = ?, finished_at = NULL WHERE id = ? "
            "AND (status <> 'processing' OR lease_until < ?) RETURNING *",
            worker,
            now + lease,
            delivery_id,
            now,
        )
        return Delivery.from_row(row) if row else None

    async def get_delivery(self, delivery_id: str) -> Delivery | None:
        row = await self.fetchrow("SELECT * FROM deliveries WHERE id = ?", delivery_id)
        return Delivery.from_row(row) if row else None

    async def list_deliveries(self, status: str | None = None, limit: int = 50) -> list[Delivery]:
        if status is None:
            rows = await self.fetch("SELECT * FROM deliveries ORDER BY seq DESC LIMIT ?", limit)
        else:
            rows = await self.fetch(
                "SELECT * FROM deliveries WHERE status = ? ORDER BY seq DESC LIMIT ?",
                status,
                limit,
            )
        return [Delivery.from_row(r) for r in rows]

    async def count_deliveries(self) -> dict[str, int]:
        rows = await self.fetch("SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status")
        return {r["status"]: int(r["n"]) for r in rows}

    async def known_delivery_ids(self, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        marks = ", ".join("?" for _ in ids)
        rows = await self.fetch(f"SELECT id FROM deliveries WHERE id IN ({marks})", *ids)
        return {r["id"] for r in rows}

    async def record_redelivery(self, guid: str, now: float, outcome: str) -> bool:
        """Remember a redelivery request; False when this guid was already redelivered."""
        row = await self.fetchrow(
            "INSERT INTO redeliveries (guid, requested_at, outcome) VALUES (?, ?, ?) "
            "ON CONFLICT (guid) DO NOTHING RETURNING guid",
            guid,
            now,
            outcome,
        )
        return row is not None

    async def redelivered_guids(self) -> set[str]:
        rows = await self.fetch("SELECT guid FROM redeliveries")
        return {r["guid"] for r in rows}

    async def job_state(self, name: str) -> JobState | None:
        row = await self.fetchrow("SELECT * FROM jobs WHERE name = ?", name)
        if row is None:
            return None
        return JobState(
            name=row["name"],
            next_due_at=float(row["next_due_at"]),
            last_started_at=row["last_started_at"],
            last_finished_at=row["last_finished_at"],
            last_error=row["last_error"],
            runs=int(row["runs"]),
        )

    async def ensure_job(self, name: str, due_at: float) -> None:
        await self.execute(
            "INSERT INTO jobs (name, next_due_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
            name,
            due_at,
        )

    async def record_job_run(
        self, name: str, started: float, finished: float, next_due: float, error: str | None
    ) -> None:
        await self.execute(
            "UPDATE jobs SET last_started_at = ?, last_finished_at = ?, next_due_at = ?, "
            "last_error = ?, runs = runs + 1 WHERE name = ?",
            started,
            finished,
            next_due,
            error,
            name,
        )

    async def append_audit(self, entry: AuditEntry) -> None:
        await self.execute(
            "INSERT INTO audit_log (at, installation_id, delivery_id, kind, subject, detail) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            entry.at,
            entry.installation_id,
            entry.delivery_id,
            entry.kind,
            entry.subject,
            json.dumps(entry.detail, sort_keys=True),
        )

    async def audit_entries(self, subject: str | None = None) -> list[AuditEntry]:
        sql = "SELECT * FROM audit_log"
        args: list[Any] = []
        if subject is not None:
            sql += " WHERE subject = ?"
            args.append(subject)
        rows = await self.fetch(sql + " ORDER BY seq", *args)
        return [
            AuditEntry(
                at=float(r["at"]),
                kind=r["kind"],
                subject=r["subject"],
                detail=json.loads(r["detail"]),
                installation_id=r["installation_id"],
                delivery_id=r["delivery_id"],
            )
            for r in rows
        ]
