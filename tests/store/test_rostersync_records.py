"""The roster's database state, on SQLite and PostgreSQL: baseline, known members, pauses."""

from __future__ import annotations

from app.features.roster import records
from app.store import Store


async def test_baseline_makes_the_members_known_and_a_new_baseline_replaces_it(
    store: Store,
) -> None:
    await records.save_baseline(store, 7, "python", "psrt", ["Alice", "bob"], 100.0)
    assert await records.known_members(store, 7, "psrt") == {"alice": "baseline", "bob": "baseline"}
    current = await records.fetch_state(store, 7)
    assert current is not None
    assert (current.team, current.baseline_at, current.reconciled_at) == ("psrt", 100.0, None)
    await records.save_baseline(store, 7, "python", "security", ["carol"], 200.0)
    assert await records.known_members(store, 7, "psrt") == {}
    assert await records.known_members(store, 7, "security") == {"carol": "baseline"}


async def test_members_are_remembered_with_their_source_and_forgotten_when_they_leave(
    store: Store,
) -> None:
    await records.save_baseline(store, 7, "python", "psrt", ["alice"], 100.0)
    await records.remember_member(store, 7, "psrt", "Mallory", "alerted", 110.0)
    await records.remember_member(store, 7, "psrt", "alice", "vote", 120.0)
    assert await records.known_members(store, 7, "psrt") == {"alice": "vote", "mallory": "alerted"}
    await records.forget_member(store, 7, "psrt", "MALLORY")
    assert await records.known_members(store, 7, "psrt") == {"alice": "vote"}


async def test_paused_removals_are_confirmed_then_cleared_by_a_reconcile(store: Store) -> None:
    await records.save_baseline(store, 7, "python", "psrt", ["alice"], 100.0)
    assert await records.confirm_removals(store, 7, "alice") is None  # nothing paused
    await records.pause_removals(store, 7, ["Bob", "carol"], 12)
    assert await records.confirm_removals(store, 7, "alice") == frozenset({"bob", "carol"})
    current = await records.fetch_state(store, 7)
    assert current is not None
    assert (current.pending_issue, current.confirmed_by) == (12, "alice")
    assert current.confirmed_removals == frozenset({"bob", "carol"})
    await records.mark_reconciled(store, 7, 300.0)
    done = await records.fetch_state(store, 7)
    assert done is not None
    assert (done.reconciled_at, done.pending_removals, done.pending_issue) == (300.0, None, None)
    assert done.confirmed_removals is None


async def test_the_members_on_the_list_are_recorded_and_a_new_baseline_forgets_them(
    store: Store,
) -> None:
    await records.save_baseline(store, 7, "python", "psrt", ["alice"], 100.0)
    current = await records.fetch_state(store, 7)
    assert current is not None and current.listed is None  # not known before a reconcile
    await records.save_listed(store, 7, ["Alice", "dave"])
    current = await records.fetch_state(store, 7)
    assert current is not None and current.listed == frozenset({"alice", "dave"})
    await records.save_baseline(store, 7, "python", "security", ["carol"], 200.0)
    current = await records.fetch_state(store, 7)
    assert current is not None and current.listed is None
