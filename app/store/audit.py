"""The append-only audit log: every state change, with the delivery that caused it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.store.sql import SQL


@dataclass(frozen=True)
class AuditEntry:
    """One line of the append-only audit log."""

    at: float
    kind: str
    subject: str
    detail: dict[str, Any]
    installation_id: int | None = None
    delivery_id: str | None = None


class AuditLog(SQL):
    """The audit table, written once for both backends."""

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
