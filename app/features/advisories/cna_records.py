"""CVE IDs reserved from the organisation's CNA, one row per advisory (migration 11).

A row is written before CVE Services is asked (``asked_at``) and again as soon as it answers
(``cve_id``), before the ID is written to the advisory (``written_at``): a crash anywhere in
between leaves enough to reuse the ID instead of reserving a second one.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from app.store import Store

COLUMNS = (
    "installation_id, ghsa_id, repo, short_name, cve_id, asked_at, reserved_at, written_at, "
    "error_kind, error_message, error_at, reported_kind"
)
_NAMES = COLUMNS.replace(" ", "").split(",")


@dataclass(frozen=True)
class Reservation:
    """One advisory's CVE ID from the CNA, and the last trouble getting it."""

    installation_id: int
    ghsa_id: str
    repo: str
    short_name: str
    cve_id: str | None = None
    asked_at: float | None = None
    reserved_at: float | None = None
    written_at: float | None = None
    error_kind: str | None = None
    error_message: str | None = None
    error_at: float | None = None
    reported_kind: str | None = None  # the trouble already said in the tracking issue

    def but(self, **changes: Any) -> Reservation:
        return replace(self, **changes)


async def find(store: Store, installation_id: int, ghsa_id: str) -> Reservation | None:
    row = await store.fetchrow(
        f"SELECT {COLUMNS} FROM cve_reservations WHERE installation_id = ? AND ghsa_id = ?",
        installation_id,
        ghsa_id.upper(),
    )
    return None if row is None else Reservation(**{k: row[k] for k in _NAMES})


async def known_ids(store: Store, short_name: str) -> set[str]:
    """Every CVE ID of the CNA some advisory holds (an ID is never given to two)."""
    rows = await store.fetch(
        "SELECT cve_id FROM cve_reservations WHERE short_name = ? AND cve_id IS NOT NULL",
        short_name,
    )
    return {str(r["cve_id"]).upper() for r in rows}


async def save(store: Store, reservation: Reservation) -> None:
    values = [getattr(reservation, name) for name in _NAMES]
    values[1] = reservation.ghsa_id.upper()
    updates = ", ".join(f"{c} = excluded.{c}" for c in _NAMES[2:])
    await store.execute(
        f"INSERT INTO cve_reservations ({COLUMNS}) VALUES ({', '.join('?' * len(values))}) "
        f"ON CONFLICT (installation_id, ghsa_id) DO UPDATE SET {updates}",
        *values,
    )
