"""The store behaves the same on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import time

import pytest

from app.store import AuditEntry, NewDelivery, Store, open_store
from app.store.locks import lock_id
from app.store.migrations import MIGRATIONS


def delivery(n: int, key: str | None = None, at: float = 1000.0) -> NewDelivery:
    return NewDelivery(
        id=f"d-{n}",
        event="issues",
        action="opened",
        installation_id=7,
        ordering_key=key,
        body=b'{"n": %d}' % n,
        received_at=at + n,
    )


async def test_a_delivery_is_stored_once_and_a_repeat_is_reported(store: Store) -> None:
    assert await store.insert_deliveries([delivery(1)]) == [True]
    assert await store.insert_deliveries([delivery(1), delivery(2)]) == [False, True]
    stored = await store.get_delivery("d-1")
    assert stored is not None
    assert (stored.event, stored.action, stored.installation_id, stored.status) == (
        "issues",
        "opened",
        7,
        "queued",
    )
    assert stored.body == b'{"n": 1}'


async def test_claims_follow_arrival_order(store: Store) -> None:
    await store.insert_deliveries([delivery(n) for n in range(3)])
    claimed = [await store.claim_delivery("w", 5000.0, 30.0) for _ in range(4)]
    assert [d.id if d else None for d in claimed] == ["d-0", "d-1", "d-2", None]
    assert all(d.status == "processing" and d.attempts == 1 for d in claimed if d)


async def test_deliveries_about_one_subject_wait_for_the_earlier_one(store: Store) -> None:
    await store.insert_deliveries([delivery(1, "issue:1"), delivery(2, "issue:1"), delivery(3)])
    first = await store.claim_delivery("w", 5000.0, 30.0)
    second = await store.claim_delivery("w", 5000.0, 30.0)
    assert (first and first.id, second and second.id) == ("d-1", "d-3")
    assert await store.claim_delivery("w", 5000.0, 30.0) is None
    await store.complete_delivery("d-1", 5001.0)
    third = await store.claim_delivery("w", 5002.0, 30.0)
    assert third is not None and third.id == "d-2"


async def test_a_delivery_waiting_to_retry_holds_back_its_subject(store: Store) -> None:
    await store.insert_deliveries([delivery(1, "team:9"), delivery(2, "team:9")])
    first = await store.claim_delivery("w", 5000.0, 30.0)
    assert first is not None
    await store.retry_delivery("d-1", "GitHubBroken: 502", next_attempt_at=6000.0)
    assert await store.claim_delivery("w", 5500.0, 30.0) is None
    again = await store.claim_delivery("w", 6000.0, 30.0)
    assert again is not None and (again.id, again.attempts) == ("d-1", 2)
    assert again.last_error == "GitHubBroken: 502"


async def test_an_expired_lease_lets_another_worker_take_over(store: Store) -> None:
    await store.insert_deliveries([delivery(1)])
    assert await store.claim_delivery("dead", 5000.0, 30.0) is not None
    await store.reap_expired_leases(5010.0)
    assert await store.claim_delivery("alive", 5010.0, 30.0) is None
    await store.reap_expired_leases(5031.0)
    taken = await store.claim_delivery("alive", 5031.0, 30.0)
    assert taken is not None and taken.attempts == 2


async def test_failed_deliveries_are_listed_and_can_be_replayed(store: Store) -> None:
    await store.insert_deliveries([delivery(1), delivery(2)])
    await store.claim_delivery("w", 5000.0, 30.0)
    await store.fail_delivery("d-1", "BadRequest: 404", 5001.0)
    failed = await store.list_deliveries("failed")
    assert [d.id for d in failed] == ["d-1"]
    assert failed[0].last_error == "BadRequest: 404"
    replay = await store.claim_specific("d-1", "cli", 6000.0, 30.0)
    assert replay is not None and replay.status == "processing"
    assert await store.claim_specific("d-1", "other", 6001.0, 30.0) is None
    assert await store.claim_specific("nope", "cli", 6000.0, 30.0) is None


async def test_a_guid_is_redelivered_only_once(store: Store) -> None:
    assert await store.record_redelivery("guid-1", 1.0, "requested") is True
    assert await store.record_redelivery("guid-1", 2.0, "requested") is False
    assert await store.redelivered_guids() == {"guid-1"}


async def test_job_state_records_runs(store: Store) -> None:
    await store.ensure_job("redeliver", 100.0)
    await store.ensure_job("redeliver", 999.0)  # an existing job keeps its schedule
    state = await store.job_state("redeliver")
    assert state is not None and state.next_due_at == 100.0 and state.runs == 0
    await store.record_job_run("redeliver", 100.0, 101.0, 400.0, None)
    state = await store.job_state("redeliver")
    assert state is not None and (state.next_due_at, state.runs) == (400.0, 1)


async def test_each_organisations_last_run_of_a_job_is_kept_apart(store: Store) -> None:
    assert await store.org_ran_at(7, "votes") is None
    await store.record_org_run(7, "votes", 100.0)
    await store.record_org_run(7, "inactivity", 50.0)
    await store.record_org_run(8, "votes", 10.0)
    await store.record_org_run(7, "votes", 160.0)  # a later run replaces the earlier
    assert await store.org_ran_at(7, "votes") == 160.0
    assert await store.org_ran_at(7, "inactivity") == 50.0
    assert await store.org_ran_at(8, "votes") == 10.0


async def test_audit_log_is_append_only_and_ordered(store: Store) -> None:
    for n in range(3):
        await store.append_audit(
            AuditEntry(
                at=float(n),
                kind="vote.opened",
                subject="issue:1",
                detail={"n": n},
                delivery_id=f"d-{n}",
            )
        )
    entries = await store.audit_entries("issue:1")
    assert [e.detail["n"] for e in entries] == [0, 1, 2]
    assert entries[0].delivery_id == "d-0"


async def test_migrations_are_applied_once(database_url: str) -> None:
    for _ in range(2):
        s = open_store(database_url)
        await s.open()
        rows = await s.fetch("SELECT version FROM schema_version")
        await s.close()
    assert sorted(r["version"] for r in rows) == list(range(1, len(MIGRATIONS) + 1))


async def test_only_one_store_leads(database_url: str) -> None:
    first, second = open_store(database_url), open_store(database_url)
    await first.open()
    await second.open()
    try:
        assert await first.try_lead() is True
        assert await first.try_lead() is True
        assert await second.try_lead() is False
    finally:
        await first.close()
    try:
        assert await second.try_lead() is True  # the leader is gone: another takes over
    finally:
        await second.close()


async def test_large_bodies_round_trip(store: Store) -> None:
    body = b'{"x": "' + b"a" * 5_000_000 + b'"}'
    d = NewDelivery("big", "push", None, None, None, body, time.time())
    assert await store.insert_deliveries([d]) == [True]
    stored = await store.get_delivery("big")
    assert stored is not None and stored.body == body


async def _hold(store: Store, key: str, log: list[str], name: str, seconds: float) -> None:
    async with store.lock("test", key):
        log.append(f"{name} in")
        await asyncio.sleep(seconds)
        log.append(f"{name} out")


async def test_two_holders_of_one_named_lock_take_turns(store: Store) -> None:
    log: list[str] = []
    await asyncio.gather(*(_hold(store, "GHSA-1", log, name, 0.05) for name in "abc"))
    assert [entry.split()[1] for entry in log] == ["in", "out"] * 3
    assert [entry.split()[0] for entry in log[::2]] == [entry.split()[0] for entry in log[1::2]]


async def test_different_names_do_not_block_each_other(store: Store) -> None:
    log: list[str] = []
    async with asyncio.timeout(5):
        async with store.lock("advisory", "GHSA-1"):
            # same key in another namespace, and another key: both go through at once
            await _hold(store, "GHSA-1", log, "other-namespace", 0)
            async with store.lock("advisory", "GHSA-2"):
                log.append("other-key in")
    assert log == ["other-namespace in", "other-namespace out", "other-key in"]


async def test_a_named_lock_is_released_when_its_block_fails(store: Store) -> None:
    with pytest.raises(RuntimeError):
        async with store.lock("test", "k"):
            raise RuntimeError("boom")
    async with asyncio.timeout(2), store.lock("test", "k"):
        pass


async def test_a_named_lock_is_released_when_its_holder_is_cancelled(store: Store) -> None:
    inside = asyncio.Event()

    async def holder() -> None:
        async with store.lock("test", "k"):
            inside.set()
            await asyncio.sleep(60)

    task = asyncio.create_task(holder())
    await inside.wait()
    waiter = asyncio.create_task(_hold(store, "k", [], "waiter", 0))
    await asyncio.sleep(0.05)
    assert not waiter.done()  # still held
    task.cancel()
    async with asyncio.timeout(2):
        await waiter
    waiting_cancelled = asyncio.create_task(_hold(store, "k", [], "late", 0))
    async with store.lock("test", "k"):
        await asyncio.sleep(0.05)  # the late one waits...
        waiting_cancelled.cancel()  # ...and gives up while waiting
    async with asyncio.timeout(2), store.lock("test", "k"):
        pass


async def test_two_postgres_stores_exclude_each_other(pg_schema_url: str) -> None:
    replicas = [open_store(pg_schema_url), open_store(pg_schema_url)]
    for replica in replicas:
        await replica.open()
    try:
        log: list[str] = []
        await asyncio.gather(
            *(_hold(r, "GHSA-1", log, f"r{i}", 0.1) for i, r in enumerate(replicas * 2))
        )
        assert [entry.split()[1] for entry in log] == ["in", "out"] * 4
        inside = asyncio.Event()

        async def holder_elsewhere() -> None:
            async with replicas[0].lock("test", "GHSA-1"):
                inside.set()
                await asyncio.sleep(60)

        task = asyncio.create_task(holder_elsewhere())
        await inside.wait()
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(0.2), replicas[1].lock("test", "GHSA-1"):
                pass
        task.cancel()  # the holder on the other replica lets go
        async with asyncio.timeout(2), replicas[1].lock("test", "GHSA-1"):
            pass
    finally:
        for replica in replicas:
            await replica.close()


def test_lock_numbers_are_stable_64_bit_and_differ_by_name_and_schema() -> None:
    number = lock_id("advisory", "42/cpython/GHSA-1")
    assert number == lock_id("advisory", "42/cpython/GHSA-1")  # every replica computes the same
    assert -(2**63) <= number < 2**63
    others = {lock_id("vote", "42/cpython/GHSA-1"), lock_id("advisory", "42/cpython/GHSA-2")}
    others.add(lock_id("advisory", "42/cpython/GHSA-1", schema="other"))
    assert number not in others and len(others) == 3
