"""The store behaves the same on SQLite and PostgreSQL."""

from __future__ import annotations

import time

from app.store import AuditEntry, NewDelivery, Store, open_store


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
    assert [r["version"] for r in rows] == [1, 2, 3, 4, 5, 6, 7]


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
