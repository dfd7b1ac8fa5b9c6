"""SQLite backend: the embedded default, one process, WAL, intake commits fsynced."""

from __future__ import annotations

import asyncio
import fcntl
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from app.platform.errors import StoreError
from app.store.base import (
    CLAIM,
    CLAIMABLE,
    Delivery,
    NewDelivery,
    Row,
    Store,
)
from app.store.checkpoints import Checkpoints
from app.store.deliveries import PROMOTE, first_copies, insert_rows, spread
from app.store.lane import Lane
from app.store.locks import LocalLocks

T = TypeVar("T")


def _connect(path: str, synchronous: str = "NORMAL") -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous}")
    conn.execute("PRAGMA busy_timeout=10000")
    conn.execute("PRAGMA wal_autocheckpoint=0")  # the log's own thread checkpoints
    return conn


class SqliteStore(Store):
    """Two connections on one thread (``Lane``). Intake's commits are fsynced before
    the 202 (synchronous=FULL, one fsync per group of deliveries); every other commit is
    written at synchronous=NORMAL, since losing a status update to a power cut only
    means a delivery runs again, and every handler is idempotent. WAL keeps commits in
    order, so an fsync of the log makes every earlier commit durable too. Checkpoints
    run on a thread of their own (``Checkpoints``).
    """

    dialect = "sqlite"

    def __init__(self, path: str) -> None:
        self.path = path
        self._checkpoints = Checkpoints(path)
        self._intake: sqlite3.Connection | None = None  # the lane's second connection
        self._main: Lane[NewDelivery, bool] = Lane("main", self._insert_group)
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
        self._main.start()
        self._main.conn = await self._call(self._main, _connect, self.path)
        await self.migrate()
        # Intake's commits must be durable before their 202: its own connection fsyncs
        # the log at each commit (synchronous=FULL), inside the one statement a group
        # costs. The lane's thread runs both connections, one statement at a time, so
        # they never wait for each other's lock. (In memory a second connection would be
        # a second database, and nothing is durable anyway.)
        if self.path == ":memory:":
            self._intake = self._main.conn
        else:
            self._intake = await self._call(self._main, _connect, self.path, "FULL")
            self._checkpoints.start()

    async def close(self) -> None:
        if self._closed:
            return
        lane = self._main
        if self._intake is not None:
            intake, self._intake = self._intake, None
            if intake is not lane.conn:
                await self._call(lane, intake.close)
        if lane.conn is not None:
            conn, lane.conn = lane.conn, None
            await self._call(lane, conn.close)
        await lane.stop()
        await asyncio.get_running_loop().run_in_executor(None, self._checkpoints.stop)
        self._closed = True
        if self._lock_file is not None:
            os.close(self._lock_file)
            self._lock_file = None

    async def _call(self, lane: Lane[NewDelivery, bool], fn: Callable[..., T], *args: Any) -> T:
        if self._closed:
            raise StoreError("the database is closed")
        return await lane.call(fn, *args)

    def _db(self) -> sqlite3.Connection:
        return self._main.db()

    def _intake_db(self) -> sqlite3.Connection:
        if self._intake is None:
            raise StoreError("the database is not open")
        return self._intake

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

    async def store_delivery(self, delivery: NewDelivery) -> bool:
        if self._closed:
            raise StoreError("the database is closed")
        return await self._main.grouped(delivery)

    def _insert_group(self, group: Sequence[NewDelivery]) -> list[bool | Exception]:
        """On the lane's thread: one transaction for the group, or, when the database
        refuses it, one per delivery, so that one refused row fails alone. (``_insert``
        files a copy of an id as not new itself; only the fallback drops copies here.)"""
        started = time.perf_counter()
        try:
            return list(self._insert(group))
        except Exception:
            unique = first_copies(group)
            return spread(group, unique, [self._insert_alone(d) for d in unique])
        finally:
            self._observe_group(len(group), started)

    def _insert_alone(self, delivery: NewDelivery) -> bool | Exception:
        try:
            return self._insert([delivery])[0]
        except Exception as exc:
            return exc

    def _insert(self, deliveries: Sequence[NewDelivery]) -> list[bool]:
        """Every delivery in one statement, which is its own transaction: on the lane's
        thread each statement waits for the interpreter's lock, so a group costs one wait,
        however large. Durable when it returns (the intake connection's FULL commit)."""
        db = self._intake_db()
        unique = first_copies(deliveries)
        sql, params = insert_rows(unique)
        before = db.total_changes
        cursor = db.execute(sql + " ON CONFLICT (id) DO NOTHING", params)
        added = db.total_changes - before
        self._checkpoints.wrote(sum(len(d.body) for d in unique))
        if added == len(unique):
            new = {d.id for d in unique}
        else:
            new = self._after_duplicates(unique, cursor.lastrowid or 0, added)
        return spread(deliveries, unique, [d.id in new for d in unique])

    def _after_duplicates(self, unique: Sequence[NewDelivery], last: int, added: int) -> set[str]:
        """Some ids were stored already (a redelivery): the ids this statement added,
        which hold the ``added`` highest seqs up to ``last``. A key whose first delivery
        in the group was such a copy may be left without a head: its oldest waiting one
        is made ready (the head's own rule, ``PROMOTE``)."""
        db = self._intake_db()
        ids = [d.id for d in unique]
        marks = ", ".join("?" for _ in ids)
        new = {
            r[0]
            for r in db.execute(
                f"SELECT id FROM deliveries WHERE seq > ? AND seq <= ? AND id IN ({marks})",
                (last - added, last, *ids),
            )
        }
        for key in {d.ordering_key for d in unique if d.ordering_key is not None}:
            db.execute(PROMOTE, (key, key))
        return new

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
