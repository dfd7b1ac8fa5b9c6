"""Storage behind one interface: SQLite (embedded default) or PostgreSQL (several replicas)."""

from __future__ import annotations

from app.platform.errors import StoreError
from app.store.base import (
    AuditEntry,
    Delivery,
    JobState,
    NewDelivery,
    Store,
)


def open_store(url: str) -> Store:
    """Build (but do not open) the store named by a ``DATABASE_URL``."""
    if url.startswith("sqlite:///"):
        from app.store.sqlite import SqliteStore

        return SqliteStore(url.removeprefix("sqlite:///"))
    if url.startswith(("postgresql://", "postgres://")):
        from app.store.postgres import PostgresStore

        return PostgresStore(url)
    raise StoreError(
        f"DATABASE_URL must start with sqlite:/// or postgresql://, got {url.split(':', 1)[0]!r}."
    )


__all__ = [
    "AuditEntry",
    "Delivery",
    "JobState",
    "NewDelivery",
    "Store",
    "open_store",
]
