"""PostgreSQL backend: several replicas share one database safely."""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg

from app.platform.batch import Batcher
from app.platform.errors import StoreError
from app.store.base import (
    CLAIM,
    CLAIMABLE,
    Delivery,
    NewDelivery,
    Row,
    Store,
)
from app.store.deliveries import PROMOTE, first_copies, insert_rows, spread, waiting_keys
from app.store.locks import LocalLocks, lock_id

log = logging.getLogger(__name__)

#: Connections that hold (or wait for) named locks: apart from the query pool, so holders
#: waiting for a lock never starve the holder of the connections its queries need.
LOCK_CONNECTIONS = 20
#: Groups of webhook deliveries written at once (out of the query pool's 10 connections).
INTAKE_IN_FLIGHT = 4

_PLACEHOLDER = re.compile(r"\?")

# Storing a delivery and finishing its key's head take turns, key by key, across replicas:
# otherwise a delivery stored while its head finishes on another replica could be left
# waiting with no head (the insert saw the head running; the finish saw nothing waiting,
# the insert not being committed yet). Transaction-scoped advisory locks, in the two-key
# space (apart from the leader's and the named locks' one-key space), taken in hash order
# so that two transactions locking several keys never wait for each other in a circle.
KEY_LOCKS = 0x5744
LOCK_KEYS = """
    SELECT pg_advisory_xact_lock($1, h)
    FROM (SELECT DISTINCT hashtext(k) AS h FROM unnest($2::text[]) AS k ORDER BY h) AS keys
"""
LOCK_KEYS_OF = """
    SELECT pg_advisory_xact_lock($1, h)
    FROM (SELECT DISTINCT hashtext(ordering_key) AS h FROM deliveries
          WHERE id = ANY($2::text[]) AND ordering_key IS NOT NULL ORDER BY h) AS keys
"""


def to_dollar(sql: str) -> str:
    """Rewrite ``?`` placeholders as PostgreSQL's ``$1, $2, ...``."""
    counter = iter(range(1, 10_000))
    return _PLACEHOLDER.sub(lambda _: f"${next(counter)}", sql)


def split_schema(url: str) -> tuple[str, str | None]:
    """Take Warden's own ``?schema=NAME`` option out of a PostgreSQL URL."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in query if k == "schema"), None)
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    if schema is not None and not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", schema):
        raise StoreError(f"schema={schema!r} in DATABASE_URL must be a lower-case SQL name.")
    return urlunsplit(parts._replace(query=rest)), schema


class PostgresStore(Store):
    """A connection pool, plus one connection that holds the leader's advisory lock."""

    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        self.url, self.schema = split_schema(url)
        self._pool: asyncpg.Pool | None = None
        self._lock_pool: asyncpg.Pool | None = None
        self._named = LocalLocks()
        self._leader_conn: asyncpg.Connection | None = None
        # Four groups commit side by side: PostgreSQL's own group commit then shares
        # their fsyncs, where one group at a time waited for each.
        self._intake: Batcher[NewDelivery, bool] = Batcher(
            self._insert_group, "intake-writer", in_flight=INTAKE_IN_FLIGHT
        )
        name = f"warden-scheduler:{self.schema or 'public'}"
        self._lock_key = int.from_bytes(
            hashlib.sha256(name.encode()).digest()[:8], "big", signed=True
        )

    async def open(self) -> None:
        settings = {"search_path": self.schema} if self.schema else {}
        try:
            if self.schema:
                conn = await asyncpg.connect(self.url)
                try:
                    await conn.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
                finally:
                    await conn.close()
            self._pool = await asyncpg.create_pool(
                self.url, min_size=1, max_size=10, server_settings=settings
            )
            self._lock_pool = await asyncpg.create_pool(
                self.url, min_size=0, max_size=LOCK_CONNECTIONS
            )
        except (OSError, asyncpg.PostgresError) as exc:
            raise StoreError(f"cannot connect to PostgreSQL: {exc}") from None
        await self.migrate()
        self._intake.start()

    async def close(self) -> None:
        await self._intake.stop()
        if self._leader_conn is not None:
            await self._leader_conn.close()
            self._leader_conn = None
        if self._lock_pool is not None:
            await self._lock_pool.close()
            self._lock_pool = None
        if self._pool is not None:
            await self._pool.close()
            self._pool = None

    def _db(self) -> asyncpg.Pool:
        if self._pool is None:
            raise StoreError("the database is not open")
        return self._pool

    async def ping(self) -> bool:
        try:
            await self._db().fetchval("SELECT 1")
        except (OSError, asyncpg.PostgresError, StoreError):
            return False
        return True

    @asynccontextmanager
    async def lock(self, namespace: str, key: str) -> AsyncIterator[None]:
        """A session-level ``pg_advisory_lock`` on a connection of its own, so a replica
        that dies releases it with its session. Tasks of this process queue on an asyncio
        lock first: one connection per name waits in PostgreSQL, not one per task."""
        number = lock_id(namespace, key, self.schema or "")
        async with self._named.hold(namespace, key):
            if self._lock_pool is None:
                raise StoreError("the database is not open")
            pool = self._lock_pool
            conn = await pool.acquire()
            try:
                await conn.execute("SELECT pg_advisory_lock($1)", number)
            except BaseException:
                conn.terminate()  # cancelled while waiting: the lock may have been granted
                await pool.release(conn)
                raise
            try:
                yield
            finally:
                await self._unlock(pool, conn, number)

    @staticmethod
    async def _unlock(pool: asyncpg.Pool, conn: asyncpg.Connection, number: int) -> None:
        try:
            await conn.execute("SELECT pg_advisory_unlock($1)", number)
        except BaseException:
            log.warning("could not unlock %s: its connection is closed instead", number)
            conn.terminate()  # the session ends, and its locks with it
            raise
        finally:
            await pool.release(conn)

    async def execute(self, sql: str, *args: Any) -> None:
        await self._db().execute(to_dollar(sql), *args)

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        return [dict(r) for r in await self._db().fetch(to_dollar(sql), *args)]

    async def _run_script(self, sql: str) -> None:
        await self.execute(sql)

    async def _apply_migration(self, version: int, description: str, script: list[str]) -> None:
        async with self._db().acquire() as conn, conn.transaction():
            # Two replicas starting together must not both migrate.
            await conn.execute("SELECT pg_advisory_xact_lock($1)", self._lock_key ^ 1)
            done = await conn.fetchval("SELECT 1 FROM schema_version WHERE version = $1", version)
            if done:
                return
            for statement in script:
                await conn.execute(statement)
            await conn.execute(
                "INSERT INTO schema_version (version, description) VALUES ($1, $2)",
                version,
                description,
            )

    async def insert_deliveries(self, deliveries: Sequence[NewDelivery]) -> list[bool]:
        """Every delivery in one statement (one round trip, whatever the group's size)."""
        unique = first_copies(deliveries)
        sql, params = insert_rows(unique)
        sql = to_dollar(sql + " ON CONFLICT (id) DO NOTHING RETURNING id")
        keys = list(dict.fromkeys(d.ordering_key for d in unique if d.ordering_key is not None))
        async with self._db().acquire() as conn, conn.transaction():
            if keys:
                await conn.execute(LOCK_KEYS, KEY_LOCKS, keys)
            new = {row["id"] for row in await conn.fetch(sql, *params)}
            if len(new) < len(unique):  # a redelivery: a key may be left without a head
                promote = to_dollar(PROMOTE)
                for key in keys:
                    await conn.execute(promote, key, key)
        return spread(deliveries, unique, [d.id in new for d in unique])

    async def _promote_after(self, delivery_ids: Sequence[str]) -> None:
        """Make ready the next delivery of each finished delivery's key, holding the keys'
        locks: a delivery another replica is storing for one of them is either committed
        (and seen waiting here) or stored after, seeing its head finished."""
        async with self._db().acquire() as conn, conn.transaction():
            await conn.execute(LOCK_KEYS_OF, KEY_LOCKS, list(delivery_ids))
            keys = await conn.fetch(to_dollar(waiting_keys(len(delivery_ids))), *delivery_ids)
            promote = to_dollar(PROMOTE)
            for row in keys:
                await conn.execute(promote, row["ordering_key"], row["ordering_key"])

    async def store_delivery(self, delivery: NewDelivery) -> bool:
        if not self._intake.running:
            raise StoreError("the database is not open")
        return await self._intake.submit(delivery)

    async def _insert_group(self, group: Sequence[NewDelivery]) -> list[bool | Exception]:
        """One transaction for the group, or, when the database refuses it, one per
        delivery, so that one refused row fails alone. (``insert_deliveries`` files a
        copy of an id as not new itself; only the fallback drops copies here.)"""
        started = time.perf_counter()
        try:
            return list(await self.insert_deliveries(group))
        except Exception:
            unique = first_copies(group)
            return spread(group, unique, [await self._insert_alone(d) for d in unique])
        finally:
            self._observe_group(len(group), started)

    async def _insert_alone(self, delivery: NewDelivery) -> bool | Exception:
        try:
            return (await self.insert_deliveries([delivery]))[0]
        except Exception as exc:
            return exc

    async def claim_deliveries(
        self, worker: str, now: float, lease: float, limit: int
    ) -> list[Delivery]:
        claimable = CLAIMABLE.format(hint="").rstrip() + " FOR UPDATE OF d SKIP LOCKED"
        sql = CLAIM.format(claimable=claimable)
        rows = await self.fetch(sql, worker, now + lease, now, limit)
        return sorted((Delivery.from_row(r) for r in rows), key=lambda d: d.seq)

    async def try_lead(self) -> bool:
        """Hold a session advisory lock; it is released if this process dies."""
        if self._leader_conn is not None:
            try:
                await self._leader_conn.fetchval("SELECT 1")
                return True
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError):
                self._leader_conn = None
        conn = await asyncpg.connect(self.url)
        if await conn.fetchval("SELECT pg_try_advisory_lock($1)", self._lock_key):
            self._leader_conn = conn
            return True
        await conn.close()
        return False
