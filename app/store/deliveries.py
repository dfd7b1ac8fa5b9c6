"""The inbox's rows: deliveries stored, claimed, finished, retried, failed and listed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from app.store.sql import SQL, Row

T = TypeVar("T")

QUEUED, PROCESSING, DONE, FAILED = "queued", "processing", "done", "failed"

# Deliveries about one subject (issue, advisory, team: the ordering key) run one at a time,
# in arrival order; the rest run concurrently. Of each key's waiting deliveries only the
# head is marked ``ready``, so a claim reads heads alone, never the rows queued behind them.
# The NOT EXISTS guards the one race the flag leaves on PostgreSQL: two replicas storing
# the first deliveries of one key at the same instant both mark theirs ready; the later
# waits for the earlier head (one probe of deliveries_heads).
# ``{hint}``: SQLite's planner, without statistics, would rather walk every queued row by
# status than the small index of heads; the SQLite backend names the index.
CLAIMABLE = """
    SELECT d.seq FROM deliveries d {hint}
    WHERE d.status = 'queued' AND d.ready = 1 AND d.next_attempt_at <= ?
      AND (d.ordering_key IS NULL OR NOT EXISTS (
            SELECT 1 FROM deliveries e
            WHERE e.ordering_key = d.ordering_key AND e.seq < d.seq
              AND e.ready = 1 AND e.status IN ('queued', 'processing')))
    ORDER BY d.seq LIMIT ?
"""

CLAIM = """
    UPDATE deliveries
    SET status = 'processing', attempts = attempts + 1, claimed_by = ?, lease_until = ?
    WHERE seq IN ({claimable})
    RETURNING *
"""

DELIVERY_COLUMNS = (
    "id, event, action, installation_id, ordering_key, body, received_at, status, "
    "next_attempt_at, ready"
)
# A new delivery is ready unless its key already has one waiting or running: a head
# (``deliveries_heads``: a running delivery is always its key's head) or one waiting behind
# it (``deliveries_waiting``). The ``?`` before them is 0 for a delivery whose key came
# earlier in the same statement (one statement's EXISTS does not see the rows it inserts).
DELIVERY_ROW = (
    "(?, ?, ?, ?, ?, ?, ?, 'queued', ?, CASE WHEN ? = 0 "
    "OR EXISTS (SELECT 1 FROM deliveries WHERE ordering_key = ? AND ready = 1 "
    "AND status IN ('queued', 'processing')) "
    "OR EXISTS (SELECT 1 FROM deliveries WHERE ordering_key = ? AND status = 'queued' "
    "AND ready = 0) THEN 0 ELSE 1 END)"
)


def insert_rows(deliveries: Sequence[NewDelivery]) -> tuple[str, list[Any]]:
    """One statement storing every delivery (ids not yet stored, each once), and its
    parameters: a single step of the database, however many rows."""
    params: list[Any] = []
    keys: set[str] = set()
    for d in deliveries:
        params.extend(d.values(may_lead=d.ordering_key is None or d.ordering_key not in keys))
        if d.ordering_key is not None:
            keys.add(d.ordering_key)
    rows = ", ".join([DELIVERY_ROW] * len(deliveries))
    return f"INSERT INTO deliveries ({DELIVERY_COLUMNS}) VALUES {rows}", params


# A key's head: the one delivery of the key that may be claimed (queued) or runs (processing).
HEAD = "ready = 1 AND status IN ('queued', 'processing')"

# The next head of a key whose head just finished: its oldest waiting delivery (a key
# without a head has only waiting ones queued). Both lookups are one index probe
# (deliveries_waiting, deliveries_heads), however many wait.
PROMOTE = f"""
    UPDATE deliveries SET ready = 1
    WHERE seq = (SELECT MIN(w.seq) FROM deliveries w
                 WHERE w.ordering_key = ? AND w.status = 'queued' AND w.ready = 0)
      AND ready = 0
      AND NOT EXISTS (SELECT 1 FROM deliveries h WHERE h.ordering_key = ? AND h.{HEAD})
"""


def waiting_keys(count: int) -> str:
    """The keys of ``count`` deliveries (``?`` each) that have deliveries waiting: the keys
    whose next delivery a finished one may have to make ready (usually none)."""
    marks = ", ".join("?" for _ in range(count))
    return (
        "SELECT DISTINCT d.ordering_key FROM deliveries d "
        f"WHERE d.id IN ({marks}) AND d.ordering_key IS NOT NULL AND EXISTS ("
        "SELECT 1 FROM deliveries w WHERE w.ordering_key = d.ordering_key "
        "AND w.status = 'queued' AND w.ready = 0)"
    )


# The heartbeat's repair: a head for every key whose deliveries all wait. A safety net (on
# PostgreSQL the key locks keep replicas from losing a head; a row edited by hand could).
# It reads every waiting row, so it runs rarely.
REPAIR_HEADS = f"""
    UPDATE deliveries SET ready = 1
    WHERE ready = 0 AND seq IN (
        SELECT MIN(w.seq) FROM deliveries w
        WHERE w.status = 'queued' AND w.ready = 0 AND w.ordering_key IS NOT NULL
        GROUP BY w.ordering_key)
      AND NOT EXISTS (
        SELECT 1 FROM deliveries h WHERE h.ordering_key = deliveries.ordering_key AND h.{HEAD})
"""


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

    def values(self, *, may_lead: bool = True) -> tuple[Any, ...]:
        """The parameters of its row in ``insert_rows``' statement (``DELIVERY_ROW``)."""
        return (
            self.id,
            self.event,
            self.action,
            self.installation_id,
            self.ordering_key,
            self.body,
            self.received_at,
            self.received_at,
            int(may_lead),
            self.ordering_key,
            self.ordering_key,
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
    lease_until: float | None = None
    claimed_by: str | None = None

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
            lease_until=row.get("lease_until"),
            claimed_by=row.get("claimed_by"),
        )


def first_copies(group: Sequence[NewDelivery]) -> list[NewDelivery]:
    """A group's deliveries, each id once (a redelivery racing its original: the first
    copy is the one stored)."""
    first: dict[str, NewDelivery] = {}
    for delivery in group:
        first.setdefault(delivery.id, delivery)
    return list(first.values())  # in the order they came


def spread(
    group: Sequence[NewDelivery], unique: Sequence[NewDelivery], outcomes: Sequence[T]
) -> list[T | bool]:
    """Each submitted delivery's outcome: its id's, except that a second copy is not new."""
    stored = dict(zip((d.id for d in unique), outcomes, strict=True))
    return [stored.pop(d.id, False) for d in group]


class Deliveries(SQL):
    """The deliveries table, written once for both backends."""

    async def complete_delivery(self, delivery_id: str, now: float) -> None:
        await self.complete_deliveries([delivery_id], now)

    async def complete_deliveries(self, delivery_ids: Sequence[str], now: float) -> None:
        """Mark deliveries done, and make the next delivery of each of their keys ready."""
        if not delivery_ids:
            return
        marks = ", ".join("?" for _ in delivery_ids)
        await self.execute(
            "UPDATE deliveries SET status = 'done', finished_at = ?, lease_until = NULL, "
            f"last_error = NULL WHERE id IN ({marks})",
            now,
            *delivery_ids,
        )
        await self._promote_after(delivery_ids)

    async def _promote_after(self, delivery_ids: Sequence[str]) -> None:
        """Make ready the next delivery of each finished delivery's key."""
        rows = await self.fetch(waiting_keys(len(delivery_ids)), *delivery_ids)
        for row in rows:
            await self.execute(PROMOTE, row["ordering_key"], row["ordering_key"])

    async def repair_heads(self) -> None:
        """Make ready the head of any key whose deliveries all wait (a safety net); a few
        milliseconds even with thousands waiting."""
        await self.execute(REPAIR_HEADS)

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
        await self._promote_after([delivery_id])

    async def extend_leases(self, worker: str, delivery_ids: Sequence[str], until: float) -> None:
        """Renew the leases of the deliveries a task of ``worker`` is running right now (and
        of no other: one whose outcome could not be written must expire and be claimed
        again)."""
        if not delivery_ids:
            return
        marks = ", ".join("?" for _ in delivery_ids)
        await self.execute(
            "UPDATE deliveries SET lease_until = ? WHERE status = 'processing' "
            f"AND claimed_by = ? AND id IN ({marks})",
            until,
            worker,
            *delivery_ids,
        )

    async def requeue_delivery(self, delivery_id: str, now: float) -> bool:
        """Put a stored delivery back in the queue (replay), behind the deliveries of its key
        already waiting; False if unknown."""
        row = await self.fetchrow(
            "UPDATE deliveries SET status = 'queued', attempts = 0, next_attempt_at = ?, "
            "finished_at = NULL, lease_until = NULL, "
            "ready = CASE WHEN ordering_key IS NULL THEN 1 ELSE 0 END WHERE id = ? RETURNING seq",
            now,
            delivery_id,
        )
        if row is not None:
            await self._promote_after([delivery_id])
        return row is not None

    async def stuck_deliveries(self, now: float, limit: int = 50) -> list[Delivery]:
        """Deliveries processing past their lease: their worker died or could not write."""
        rows = await self.fetch(
            "SELECT * FROM deliveries WHERE status = 'processing' AND lease_until < ? "
            "ORDER BY seq LIMIT ?",
            now,
            limit,
        )
        return [Delivery.from_row(r) for r in rows]

    async def count_stuck(self, now: float) -> int:
        row = await self.fetchrow(
            "SELECT COUNT(*) AS n FROM deliveries WHERE status = 'processing' AND lease_until < ?",
            now,
        )
        return int(row["n"]) if row else 0

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
