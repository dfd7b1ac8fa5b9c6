"""SQLite backend: the embedded default, one process, WAL, intake commits fsynced."""

from __future__ import annotations

import asyncio
import fcntl
import os
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from app.platform.errors import StoreError
from app.store.base import (
    CLAIM,
    CLAIMABLE,
    INSERT_DELIVERY,
    Delivery,
    NewDelivery,
    Row,
    Store,
)
from app.store.locks import LocalLocks

T = TypeVar("T")


class _Lane:
    """One connection used from one thread, so its statements never interleave."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"sqlite-{name}")
        self.conn: sqlite3.Connection | None = None

    def connect(self, path: str, synchronous: str) -> None:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute(f"PRAGMA synchronous={synchronous}")
        conn.execute("PRAGMA busy_timeout=10000")
        self.conn = conn

    def db(self) -> sqlite3.Connection:
        if self.conn is None:
            raise StoreError("the database is not open")
        return self.conn


class SqliteStore(Store):
    """One connection on one thread. Intake commits are fsynced before the 202
    (synchronous=FULL); other writes use synchronous=NORMAL, since losing a
    status update to a power cut only means a delivery runs again, and every
    handler is idempotent. WAL keeps commits in order, so a later FULL commit
    also makes the earlier NORMAL ones durable.
    """

    dialect = "sqlite"

    def __init__(self, path: str) -> None:
        self.path = path
        self._main = _Lane("main")
        self._lock_file: int | None = None
        self._closed = False
        self._named = LocalLocks()

    async def open(self) -> None:
        if self.path != ":memory:":
            parent = Path(self.path).parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create {parent}: {exc.strerror}") from None
        await self._call(self._main, self._main.connect, self.path, "NORMAL")
        await self.migrate()

    async def close(self) -> None:
        if self._closed:
            return
        lane = self._main
        if lane.conn is not None:
            conn, lane.conn = lane.conn, None
            await self._call(lane, conn.close)
        lane.thread.shutdown(wait=True)
        self._closed = True
        if self._lock_file is not None:
            os.close(self._lock_file)
            self._lock_file = None

    async def _call(self, lane: _Lane, fn: Callable[..., T], *args: Any) -> T:
        if self._closed:
            raise StoreError("the database is closed")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(lane.thread, fn, *args)

    def _db(self) -> sqlite3.Connection:
        return self._main.db()

    async def ping(self) -> bool:
        try:
            await self.fetch("SELECT 1 AS ok")
        except (sqlite3.Error, StoreError):
            return False
        return True

    @asynccontextmanager
    async def lock(self, namespace: str, key: str) -> AsyncIterator[None]:
        """One process uses a SQLite file (the leader's file lock), so an asyncio lock of
        this store is enough."""
        async with self._named.hold(namespace, key):
            yield

    async def execute(self, sql: str, *args: Any) -> None:
        await self._call(self._main, self._execute, sql, args)

    def _execute(self, sql: str, args: Sequence[Any]) -> None:
        self._db().execute(sql, args)

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        return await self._call(self._main, self._fetch, sql, args)

    def _fetch(self, sql: str, args: Sequence[Any]) -> list[Row]:
        return [dict(r) for r in self._db().execute(sql, args).fetchall()]

    async def _run_script(self, sql: str) -> None:
        await self.execute(sql)

    async def _apply_migration(self, version: int, description: str, script: list[str]) -> None:
        def apply() -> None:
            db = self._db()
            db.execute("BEGIN IMMEDIATE")
            try:
                for statement in script:
                    db.execute(statement)
                db.execute(
                    "INSERT INTO schema_version (version, description) VALUES (?, ?)",
                    (version, description),
                )
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise

        await self._call(self._main, apply)

    async def insert_deliveries(self, deliveries: Sequence[NewDelivery]) -> list[bool]:
        return await self._call(self._main, self._insert, deliveries)

    def _insert(self, deliveries: Sequence[NewDelivery]) -> list[bool]:
        """One transaction of a few statements whatever the batch's size (the ids already
        stored, then every new row in one ``executemany``), not a round trip per delivery."""
        db = self._main.db()
        ids = [d.id for d in deliveries]
        db.execute("PRAGMA synchronous=FULL")
        db.execute("BEGIN IMMEDIATE")
        try:
            marks = ", ".join("?" for _ in ids)
            known = {
                r[0] for r in db.execute(f"SELECT id FROM deliveries WHERE id IN ({marks})", ids)
            }
            insert = INSERT_DELIVERY.removesuffix(" RETURNING seq")
            db.executemany(insert, [d.values() for d in deliveries if d.id not in known])
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        finally:
            db.execute("PRAGMA synchronous=NORMAL")
        return [i not in known for i in ids]

    async def claim_deliveries(
        self, worker: str, now: float, lease: float, limit: int
    ) -> list[Delivery]:
        claimable = CLAIMABLE.format(hint="INDEXED BY deliveries_ready")
        rows = await self.fetch(CLAIM.format(claimable=claimable), worker, now + lease, now, limit)
        return sorted((Delivery.from_row(r) for r in rows), key=lambda d: d.seq)

    async def try_lead(self) -> bool:
        """One process per database file leads; an exclusive file lock proves it."""
        if self.path == ":memory:":
            return True
        if self._lock_file is not None:
            return True
        fd = os.open(self.path + ".leader", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self._lock_file = fd
        return True
