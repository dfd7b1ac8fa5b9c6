"""What Warden did for each published advisory (migration 11), step by step so that a crash
or a replay does each once, and the figures ``report`` counts."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from app.store import Store

COLUMNS = (
    "installation_id, ghsa_id, org, repo, reported_at, published_at, cve_id, severity, credits, "
    "announced_at, osv_pull, downstream"
)
_NAMES = COLUMNS.replace(" ", "").split(",")
ASKED = 0  # a downstream issue asked for, its number not yet known (a crash may have hidden it)
NOT_INSTALLED = -1  # Warden is not installed where the downstream repository is


@dataclass(frozen=True)
class Publication:
    """One published advisory."""

    installation_id: int
    ghsa_id: str
    org: str
    repo: str
    reported_at: float
    published_at: float
    cve_id: str | None = None
    severity: str | None = None
    credits: tuple[tuple[str, str], ...] = ()  # (login, type)
    announced_at: float | None = None
    osv_pull: int | None = None
    downstream: dict[str, int] = field(default_factory=dict)  # owner/name -> issue number

    def but(self, **changes: Any) -> Publication:
        return replace(self, **changes)


def _from_row(row: dict[str, Any]) -> Publication:
    values = {k: row[k] for k in _NAMES}
    values["credits"] = tuple(tuple(c) for c in json.loads(values["credits"]))
    values["downstream"] = dict(json.loads(values["downstream"]))
    return Publication(**values)


async def find(store: Store, installation_id: int, ghsa_id: str) -> Publication | None:
    row = await store.fetchrow(
        f"SELECT {COLUMNS} FROM advisory_publications WHERE installation_id = ? AND ghsa_id = ?",
        installation_id,
        ghsa_id.upper(),
    )
    return None if row is None else _from_row(row)


async def save(store: Store, pub: Publication) -> None:
    values = [getattr(pub, name) for name in _NAMES]
    values[1] = pub.ghsa_id.upper()
    values[_NAMES.index("credits")] = json.dumps([list(c) for c in pub.credits])
    values[_NAMES.index("downstream")] = json.dumps(pub.downstream, sort_keys=True)
    updates = ", ".join(f"{c} = excluded.{c}" for c in _NAMES[2:])
    await store.execute(
        f"INSERT INTO advisory_publications ({COLUMNS}) "
        f"VALUES ({', '.join('?' * len(values))}) "
        f"ON CONFLICT (installation_id, ghsa_id) DO UPDATE SET {updates}",
        *values,
    )


async def all_publications(store: Store) -> list[Publication]:
    """Every publication Warden saw, oldest first (for ``report``)."""
    rows = await store.fetch(
        f"SELECT {COLUMNS} FROM advisory_publications ORDER BY published_at, ghsa_id"
    )
    return [_from_row(r) for r in rows]
