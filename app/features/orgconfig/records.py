"""The last valid config of each installation: in the database, and parsed in memory."""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass, field

from app.store import Store
from config import ConfigError, WardenConfig, load_config

log = logging.getLogger(__name__)

VALID, INVALID, MISSING = "valid", "invalid", "missing"
"""What the latest load of the default branch found."""

MEMORY_SECONDS = 60.0
"""How long a parsed config is used before the database is asked again (other replicas may
have loaded a newer one)."""


@dataclass(frozen=True)
class StoredConfig:
    """One installation's row: the last valid file (if any) and what the latest load found."""

    installation_id: int
    org: str
    text: str | None
    sha: str | None
    loaded_at: float | None
    status: str
    checked_at: float


async def fetch_stored(store: Store, installation_id: int) -> StoredConfig | None:
    row = await store.fetchrow(
        "SELECT * FROM org_configs WHERE installation_id = ?", installation_id
    )
    if row is None:
        return None
    return StoredConfig(
        installation_id=int(row["installation_id"]),
        org=row["org"],
        text=row["text"],
        sha=row["sha"],
        loaded_at=None if row["loaded_at"] is None else float(row["loaded_at"]),
        status=row["status"],
        checked_at=float(row["checked_at"]),
    )


async def save_valid(
    store: Store, installation_id: int, org: str, text: str, sha: str, now: float
) -> None:
    """Put a valid file in force."""
    await store.execute(
        "INSERT INTO org_configs (installation_id, org, text, sha, loaded_at, status, checked_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (installation_id) DO UPDATE SET "
        "org = excluded.org, text = excluded.text, sha = excluded.sha, "
        "loaded_at = excluded.loaded_at, status = excluded.status, "
        "checked_at = excluded.checked_at",
        installation_id,
        org,
        text,
        sha,
        now,
        VALID,
        now,
    )


async def save_invalid(store: Store, installation_id: int, org: str, now: float) -> None:
    """Record a failed load; the last valid file stays in force."""
    await store.execute(
        "INSERT INTO org_configs (installation_id, org, status, checked_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (installation_id) DO UPDATE SET org = excluded.org, "
        "status = excluded.status, checked_at = excluded.checked_at",
        installation_id,
        org,
        INVALID,
        now,
    )


async def save_missing(store: Store, installation_id: int, org: str, now: float) -> None:
    """No file on the default branch: the org is not set up (any old config is dropped)."""
    await store.execute(
        "INSERT INTO org_configs (installation_id, org, status, checked_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (installation_id) DO UPDATE SET org = excluded.org, text = NULL, "
        "sha = NULL, loaded_at = NULL, status = excluded.status, checked_at = excluded.checked_at",
        installation_id,
        org,
        MISSING,
        now,
    )


def parse_stored(stored: StoredConfig) -> WardenConfig | None:
    """The stored file parsed again; None when there is none or this Warden no longer takes it."""
    if stored.text is None:
        return None
    try:
        return load_config(stored.text)
    except ConfigError as exc:
        log.error("the stored config of %s no longer loads: %s", stored.org, exc)
        return None


@dataclass
class Remembered:
    """A parsed config (None: not set up) and when the database was last asked."""

    config: WardenConfig | None
    sha: str | None
    at: float


@dataclass
class Memory:
    """Per store: parsed configs by installation, and one reload at a time per installation."""

    configs: dict[int, Remembered] = field(default_factory=dict)
    locks: dict[int, asyncio.Lock] = field(default_factory=dict)

    def lock(self, installation_id: int) -> asyncio.Lock:
        return self.locks.setdefault(installation_id, asyncio.Lock())

    def fresh(self, installation_id: int, now: float) -> Remembered | None:
        found = self.configs.get(installation_id)
        return found if found is not None and now - found.at < MEMORY_SECONDS else None


_MEMORIES: weakref.WeakKeyDictionary[Store, Memory] = weakref.WeakKeyDictionary()


def memory(store: Store) -> Memory:
    """The in-memory cache that lives as long as `store` (one per running app)."""
    found = _MEMORIES.get(store)
    if found is None:
        found = _MEMORIES[store] = Memory()
    return found
