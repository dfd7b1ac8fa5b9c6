"""SQLite backend: the embedded default, one process, WAL, every commit fsynced."""

from __future__ import annotations

import asyncio
import fcntl
import os
import sqlite3
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

from app.errors import StoreError
from app.store.base import CLAIM, CLAIMABLE, Delivery, NewDelivery, Row, Store

T = TypeVar("T")


class SqliteStore(Store):
    """One connection used from one thread, so statements never interleave."""

    dialect = "sqlite"

    def __init__(self, path: str) -> None:
        self.path = path
        self._conn: sqlite3.Connection | None = None
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._lock_file: int | None = None
        self._closed = False

    async def open(self) -> None:
        await self._call(self._connect)
        await self.migrate()

    def _connect(self) -> None:
        if self.path != ":memory:":
            parent = Path(self.path).parent
            try:
                parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"cannot create {parent} for the database: {exc.strerror}"
                ) from None
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("PRAGMA busy_timeout=5000")
        conn.execute("PRAGMA foreign_keys=ON")
        self._conn = conn

    async def close(self) -> None:
        if self._closed:
            return
        if self._conn is not None:
            conn, self._conn = self._conn, None
            await self._call(conn.close)
        self._closed = True
        if self._lock_file is not None:
            os.close(self._lock_file)
            self._lock_file = None
        self._thread.shutdown(wait=True)

    async def _call(self, fn: Callable[..., T], *args: Any) -> T:
        if self._closed:
            raise StoreError("the database is closed")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, fn, *args)

    def _db(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError("the database is not open")
        return self._conn

    async def ping(self) -> bool:
        try:
            await self.fetch("SELECT 1 AS ok")
        except (sqlite3.Error, StoreError):
            return False
        return True

    async def execute(self, sql: str, *args: Any) -> None:
        await self._call(self._execute, sql, args)

    def _execute(self, sql: str, args: Sequence[Any]) -> None:
        self._db().execute(sql, args)

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        return await self._call(self._fetch, sql, args)

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

        await self._call(apply)

    async def insert_deliveries(self, deliveries: Sequence[NewDelivery]) -> list[bool]:
        return await self._call(self._insert, deliveries)

    def _insert(self, deliveries: Sequence[NewDelivery]) -> list[bool]:
        db = self._db()
        inserted: list[bool] = []
        db.execute("BEGIN IMMEDIATE")
        try:
            for d in deliveries:
                cur = db.execute(
                    "INSERT INTO deliveries (id, event, action, installation_id, ordering_key, "
                    "body, received_at, status, next_attempt_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', ?) ON CONFLICT (id) DO NOTHING",
                    (
                        d.id,
                        d.event,
                        d.action,
                        d.installation_id,
                        d.ordering_key,
                        d.body,
                        d.received_at,
                        d.received_at,
                    ),
                )
                inserted.append(cur.rowcount == 1)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return inserted

    async def claim_delivery(self, worker: str, now: float, lease: float) -> Delivery | None:
        sql = CLAIM.format(claimable=CLAIMABLE)
        row = await self.fetchrow(sql, worker, now + lease, now, now)
        return Delivery.from_row(row) if row else None

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
