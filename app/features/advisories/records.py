"""What Warden remembers about each advisory (migration 5): tracking issue, coordinator, flags."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from typing import Any

from app.features.advisories.model import Advisory
from app.features.advisories.rules import Load
from app.store import Store

COLUMNS = (
    "installation_id, org, repo, ghsa_id, reported_at, state, tracking_issue, tracking_digest, "
    "coordinator, assigned_at, fork_requested, cve_requested, experts, reminder_level, "
    "reminded_at, finished_at, fixes"
)

REFUSED = "!"  # in the experts column, marks an owner GitHub refused (kept, not asked again)


@dataclass(frozen=True)
class Record:
    """One advisory's row."""

    installation_id: int
    org: str
    repo: str
    ghsa_id: str
    reported_at: float
    state: str
    tracking_issue: int | None = None
    tracking_digest: str | None = None
    coordinator: str | None = None
    assigned_at: float | None = None
    fork_requested: bool = False
    cve_requested: bool = False
    experts: tuple[str, ...] = ()
    refused: tuple[str, ...] = ()  # owners GitHub would not add (no such user or team)
    reminder_level: str | None = None
    reminded_at: float | None = None
    finished_at: float | None = None
    fixes: tuple[tuple[int, str | None], ...] = ()  # fork pull requests: (number, merge sha)

    def but(self, **changes: Any) -> Record:
        """A copy with ``changes``."""
        return replace(self, **changes)


def current_coordinator(adv: Advisory, record: Record) -> str | None:
    """Who coordinates: the advisory's credits say so (someone may change them on GitHub's
    page); the recorded coordinator while still credited as one, else the last credited;
    the recorded one when none is credited (Warden credits them again)."""
    credited = adv.coordinators()
    mine = record.coordinator
    if mine is not None and (not credited or mine.lower() in {c.lower() for c in credited}):
        return mine
    return credited[-1] if credited else None


def _from_row(row: dict[str, Any]) -> Record:
    values = {key: row[key] for key in COLUMNS.replace(" ", "").split(",")}
    values["fork_requested"] = bool(values["fork_requested"])
    values["cve_requested"] = bool(values["cve_requested"])
    names = [e for e in str(values["experts"] or "").split(",") if e]
    values["experts"] = tuple(e for e in names if not e.startswith(REFUSED))
    values["refused"] = tuple(e[1:] for e in names if e.startswith(REFUSED))
    values["fixes"] = tuple(
        (int(number), sha or None)
        for number, _, sha in (f.partition(":") for f in str(values["fixes"] or "").split(",") if f)
    )
    return Record(**values)


async def find(store: Store, installation_id: int, repo: str, ghsa_id: str) -> Record | None:
    """The record of one advisory, if Warden has seen it."""
    row = await store.fetchrow(
        f"SELECT {COLUMNS} FROM advisories WHERE installation_id = ? AND repo = ? AND ghsa_id = ?",
        installation_id,
        repo,
        ghsa_id,
    )
    return None if row is None else _from_row(row)


async def moved(store: Store, installation_id: int, repo: str, ghsa_id: str) -> Record | None:
    """The record of ``ghsa_id`` kept under another repository name (GHSA ids are unique
    on GitHub: the repository was renamed, or the advisory moved), now under ``repo``."""
    row = await store.fetchrow(
        f"SELECT {COLUMNS} FROM advisories WHERE installation_id = ? AND ghsa_id = ? AND repo <> ?",
        installation_id,
        ghsa_id,
        repo,
    )
    if row is None:
        return None
    for table in ("advisories", "advisory_comments"):
        await store.execute(
            f"UPDATE {table} SET repo = ? WHERE installation_id = ? AND repo = ? AND ghsa_id = ?",
            repo,
            installation_id,
            row["repo"],
            ghsa_id,
        )
    return _from_row(row).but(repo=repo)


async def by_tracking_issue(store: Store, installation_id: int, number: int) -> Record | None:
    """The advisory whose tracking issue is ``number`` in the governance repository."""
    row = await store.fetchrow(
        f"SELECT {COLUMNS} FROM advisories WHERE installation_id = ? AND tracking_issue = ?",
        installation_id,
        number,
    )
    return None if row is None else _from_row(row)


async def unfinished(store: Store, installation_id: int) -> list[Record]:
    """Every advisory of an installation not yet closed or published."""
    rows = await store.fetch(
        f"SELECT {COLUMNS} FROM advisories WHERE installation_id = ? AND finished_at IS NULL "
        "ORDER BY reported_at, repo, ghsa_id",
        installation_id,
    )
    return [_from_row(row) for row in rows]


async def save(store: Store, record: Record) -> None:
    """Insert or update one record."""
    values = (
        record.installation_id,
        record.org,
        record.repo,
        record.ghsa_id,
        record.reported_at,
        record.state,
        record.tracking_issue,
        record.tracking_digest,
        record.coordinator,
        record.assigned_at,
        int(record.fork_requested),
        int(record.cve_requested),
        ",".join([*record.experts, *(REFUSED + e for e in record.refused)]),
        record.reminder_level,
        record.reminded_at,
        record.finished_at,
        ",".join(f"{number}:{sha or ''}" for number, sha in record.fixes),
    )
    updates = ", ".join(f"{c} = excluded.{c}" for c in COLUMNS.replace(" ", "").split(",")[4:])
    await store.execute(
        f"INSERT INTO advisories ({COLUMNS}) VALUES ({', '.join('?' * len(values))}) "
        f"ON CONFLICT (installation_id, repo, ghsa_id) DO UPDATE SET {updates}",
        *values,
    )


async def forget_tracking_issues(store: Store, installation_id: int) -> None:
    """The governance repository changed: the stored issue numbers name issues of the old one."""
    await store.execute(
        "UPDATE advisories SET tracking_issue = NULL, tracking_digest = NULL "
        "WHERE installation_id = ?",
        installation_id,
    )


async def loads(store: Store, installation_id: int) -> dict[str, Load]:
    """Each coordinator's open coordinations and last assignment (lower-case logins)."""
    rows = await store.fetch(
        "SELECT LOWER(coordinator) AS login, "
        "SUM(CASE WHEN finished_at IS NULL THEN 1 ELSE 0 END) AS open, "
        "MAX(assigned_at) AS last FROM advisories WHERE installation_id = ? "
        "AND coordinator IS NOT NULL GROUP BY LOWER(coordinator)",
        installation_id,
    )
    return {str(r["login"]): Load(int(r["open"] or 0), r["last"]) for r in rows}


async def last_sweep(store: Store, installation_id: int) -> tuple[float, float | None] | None:
    """(when the installation was last swept, when its GitHub was found without advisories)."""
    row = await store.fetchrow(
        "SELECT swept_at, unsupported_at FROM advisory_sweeps WHERE installation_id = ?",
        installation_id,
    )
    return None if row is None else (float(row["swept_at"]), row["unsupported_at"])


async def mark_swept(
    store: Store, installation_id: int, now: float, unsupported_at: float | None
) -> None:
    """Remember a sweep (and whether the advisories API was missing)."""
    await store.execute(
        "INSERT INTO advisory_sweeps (installation_id, swept_at, unsupported_at) VALUES (?, ?, ?) "
        "ON CONFLICT (installation_id) DO UPDATE SET swept_at = excluded.swept_at, "
        "unsupported_at = excluded.unsupported_at",
        installation_id,
        now,
        unsupported_at,
    )


def lock(
    store: Store, installation_id: int, repo: str, ghsa_id: str
) -> AbstractAsyncContextManager[None]:
    """One writer at a time per advisory, across replicas (the webhook, the sweep and a
    command may meet); read the record again once it is held."""
    return store.lock("advisory", f"{installation_id}/{repo.lower()}/{ghsa_id.upper()}")
