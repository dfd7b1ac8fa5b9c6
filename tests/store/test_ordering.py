"""Per-key ordering: deliveries about one subject run one at a time in arrival order, and
claiming the next one costs the same however many wait behind it."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import asyncpg

from app.store import NewDelivery, Store, open_store
from app.store.deliveries import CLAIM, CLAIMABLE, insert_rows
from app.store.postgres import KEY_LOCKS, LOCK_KEYS, PostgresStore, split_schema, to_dollar
from app.store.sqlite import SqliteStore


def delivery(n: int, key: str | None = "issue:1") -> NewDelivery:
    return NewDelivery(f"d-{n}", "issues", "opened", 7, key, b"{}", 1000.0 + n)


async def claim_ids(store: Store, now: float = 5000.0) -> list[str]:
    return [d.id for d in await store.claim_deliveries("w", now, 30.0, 10)]


async def test_one_key_runs_in_order_through_done_failed_and_lost_leases(store: Store) -> None:
    await store.insert_deliveries([delivery(n) for n in range(1, 5)] + [delivery(9, None)])
    assert await claim_ids(store) == ["d-1", "d-9"]
    await store.complete_deliveries(["d-1", "d-9"], 5001.0)
    assert await claim_ids(store) == ["d-2"]
    await store.fail_delivery("d-2", "BadRequest: 422", 5002.0)
    assert await claim_ids(store, 5003.0) == ["d-3"]
    await store.reap_expired_leases(6000.0)  # d-3's worker died: it stays the head
    assert await claim_ids(store, 6000.0) == ["d-3"]
    await store.complete_delivery("d-3", 6001.0)
    assert await claim_ids(store, 6002.0) == ["d-4"]
    assert await claim_ids(store, 6003.0) == []


async def test_a_replayed_delivery_waits_for_the_head_of_its_key(store: Store) -> None:
    await store.insert_deliveries([delivery(1), delivery(2)])
    assert await claim_ids(store) == ["d-1"]
    await store.complete_delivery("d-1", 5001.0)
    assert await claim_ids(store) == ["d-2"]
    assert await store.requeue_delivery("d-1", 5002.0)  # replayed while d-2 runs
    assert await claim_ids(store, 5003.0) == []
    await store.complete_delivery("d-2", 5004.0)
    assert await claim_ids(store, 5005.0) == ["d-1"]


async def test_a_key_left_without_a_head_is_repaired(store: Store) -> None:
    """Two replicas racing can leave a key's waiting deliveries without a ready head."""
    await store.insert_deliveries([delivery(1), delivery(2)])
    await store.execute("UPDATE deliveries SET ready = 0")  # the head lost to the race
    assert await claim_ids(store) == []
    await store.repair_heads()
    assert await claim_ids(store) == ["d-1"]
    assert await claim_ids(store) == []


async def test_two_heads_of_one_key_still_run_one_at_a_time(store: Store) -> None:
    """Two replicas storing a key's first deliveries at once may both mark theirs ready."""
    await store.insert_deliveries([delivery(1), delivery(2)])
    await store.execute("UPDATE deliveries SET ready = 1")
    assert await claim_ids(store) == ["d-1"]
    await store.complete_delivery("d-1", 5001.0)
    assert await claim_ids(store) == ["d-2"]


def _steps(store: SqliteStore) -> list[int]:
    """Count the SQLite virtual machine's steps (in units of 100) on the store's connection."""
    counter = [0]

    def tick() -> int:
        counter[0] += 1
        return 0

    store._main.db().set_progress_handler(tick, 100)
    return counter


async def _claim_cost(path: Path, waiting: int) -> int:
    store = open_store(f"sqlite:///{path}")
    assert isinstance(store, SqliteStore)
    await store.open()
    try:
        await store.insert_deliveries([delivery(n) for n in range(waiting + 1)])
        others = [
            NewDelivery(f"o-{n}", "issues", "opened", 7, f"issue:o{n}", b"{}", 999.0)
            for n in range(3)
        ]
        await store.insert_deliveries(others)
        counter = _steps(store)
        assert len(await claim_ids(store)) == 4  # the head of issue:1 and the three others
        await store.complete_deliveries(["d-0"], 5001.0)
        assert await claim_ids(store) == ["d-1"]
        return counter[0]
    finally:
        await store.close()


async def test_claiming_does_not_read_the_deliveries_waiting_behind_a_head(
    tmp_path: Path,
) -> None:
    few = await _claim_cost(tmp_path / "few.sqlite3", 10)
    many = await _claim_cost(tmp_path / "many.sqlite3", 5000)
    assert many <= few + 5, f"{few * 100} steps with 10 waiting, {many * 100} with 5,000"


async def _postgres_claim_blocks(url: str, waiting: int) -> int:
    """Buffer blocks PostgreSQL touches to claim the next deliveries (statistics fresh)."""
    store = open_store(url)
    await store.open()
    try:
        await store.execute("DELETE FROM deliveries")
        body = b"x" * 1500  # a page holds a few rows: reading past them would show
        rows = [replace(delivery(n), body=body) for n in range(waiting + 1)]
        for start in range(0, len(rows), 500):
            await store.insert_deliveries(rows[start : start + 500])
        await store.execute("ANALYZE deliveries")
        claimable = CLAIMABLE.format(hint="").rstrip() + " FOR UPDATE OF d SKIP LOCKED"
        explained = await store.fetch(
            "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + CLAIM.format(claimable=claimable),
            "w",
            5030.0,
            5000.0,
            4,
        )
        plan = explained[0]["QUERY PLAN"]
        top = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]
        return int(top["Shared Hit Blocks"]) + int(top["Shared Read Blocks"])
    finally:
        await store.close()


async def test_postgres_claims_read_heads_only(pg_schema_url: str) -> None:
    few = await _postgres_claim_blocks(pg_schema_url, 10)
    many = await _postgres_claim_blocks(pg_schema_url, 5000)
    assert many <= 2 * few, f"{few} blocks read with 10 waiting, {many} with 5,000"


async def test_a_redelivery_sharing_a_group_with_a_new_delivery_of_its_key_leaves_a_head(
    store: Store,
) -> None:
    # d-1 ran; GitHub's redelivery of it arrives in the same group commit as d-2, the next
    # delivery about the same issue. The copy is not stored again, and d-2 must still run.
    await store.insert_deliveries([delivery(1)])
    assert await claim_ids(store) == ["d-1"]
    await store.complete_delivery("d-1", 5001.0)
    assert await store.insert_deliveries([delivery(1), delivery(2)]) == [False, True]
    assert await claim_ids(store, 5002.0) == ["d-2"]


async def test_one_id_twice_in_a_group_is_stored_once_and_keeps_the_order(store: Store) -> None:
    stored = await store.insert_deliveries([delivery(1), delivery(2), delivery(1), delivery(3)])
    assert stored == [True, True, False, True]
    assert await claim_ids(store) == ["d-1"]
    for n, now in ((1, 5001.0), (2, 5002.0)):
        await store.complete_delivery(f"d-{n}", now)
        assert await claim_ids(store, now + 0.5) == [f"d-{n + 1}"]


async def test_postgres_a_delivery_stored_while_its_head_finishes_on_another_replica_runs(
    pg_schema_url: str,
) -> None:
    # The race between replicas: one stores d-2 (its key's head d-1 still runs, so d-2
    # waits) while another finishes d-1. Without the key's lock the finish would find
    # nothing waiting (d-2 not committed yet) and leave d-2 without a head until the
    # heartbeat's repair; with it, the finish waits for the insert and makes d-2 ready.
    async with _d1_running_and_another_replica(pg_schema_url) as (store, other):
        sql, params = insert_rows([delivery(2)])
        async with other.transaction():  # the replica storing d-2, as the store does
            await other.execute(LOCK_KEYS, KEY_LOCKS, ["issue:1"])
            await other.execute(to_dollar(sql), *params)
            finishing = asyncio.create_task(store.complete_delivery("d-1", 5001.0))
            await asyncio.sleep(0.3)
            assert not finishing.done()  # it waits for the key
        await finishing
        assert await claim_ids(store, 5002.0) == ["d-2"]  # no repair needed


async def test_postgres_a_delivery_stored_while_another_replica_finishes_its_head_runs(
    pg_schema_url: str,
) -> None:
    # The other order: the replica finishing d-1 holds the key; the insert of d-2 waits
    # for it and then sees d-1 done, so d-2 is its key's head at once.
    async with _d1_running_and_another_replica(pg_schema_url) as (store, other):
        async with other.transaction():  # the replica finishing d-1
            await other.execute(LOCK_KEYS, KEY_LOCKS, ["issue:1"])
            await other.execute("UPDATE deliveries SET status = 'done' WHERE id = 'd-1'")
            storing = asyncio.create_task(store.insert_deliveries([delivery(2)]))
            await asyncio.sleep(0.3)
            assert not storing.done()  # it waits for the key
        assert await storing == [True]
        assert await claim_ids(store, 5002.0) == ["d-2"]


@asynccontextmanager
async def _d1_running_and_another_replica(
    pg_schema_url: str,
) -> AsyncIterator[tuple[PostgresStore, asyncpg.Connection]]:
    """A PostgreSQL store whose d-1 (key ``issue:1``) is claimed and running, and a plain
    connection to the same schema playing the other replica."""
    store = open_store(pg_schema_url)
    await store.open()
    assert isinstance(store, PostgresStore)
    url, schema = split_schema(pg_schema_url)
    other = await asyncpg.connect(url, server_settings={"search_path": schema or "public"})
    try:
        await store.insert_deliveries([delivery(1)])
        assert await claim_ids(store) == ["d-1"]
        yield store, other
    finally:
        await other.close()
        await store.close()
