"""What Warden remembers about advisories (migration 5), on SQLite and PostgreSQL."""

from __future__ import annotations

from app.features.advisories import records
from app.features.advisories.records import Record
from app.features.advisories.rules import Load
from app.store import Store


def record(ghsa: str, **changes: object) -> Record:
    return Record(7, "python", "cpython", ghsa, 100.0, "triage").but(**changes)


async def test_a_record_is_saved_found_and_updated_in_place(store: Store) -> None:
    assert await records.find(store, 7, "cpython", "GHSA-1") is None
    await records.save(store, record("GHSA-1"))
    changed = record(
        "GHSA-1",
        state="draft",
        tracking_issue=12,
        tracking_digest="<!-- d -->",
        coordinator="bob",
        assigned_at=200.0,
        fork_requested=True,
        cve_requested=True,
        experts=("erin", "python/ssl"),
        reminder_level="warn",
        reminded_at=300.0,
    )
    await records.save(store, changed)
    assert await records.find(store, 7, "cpython", "GHSA-1") == changed
    assert await records.by_tracking_issue(store, 7, 12) == changed
    assert await records.by_tracking_issue(store, 8, 12) is None


async def test_loads_count_open_coordinations_and_the_last_assignment(store: Store) -> None:
    await records.save(store, record("GHSA-1", coordinator="Bob", assigned_at=10.0))
    await records.save(store, record("GHSA-2", coordinator="bob", assigned_at=30.0))
    await records.save(
        store, record("GHSA-3", coordinator="carol", assigned_at=5.0, finished_at=50.0)
    )
    await records.save(store, record("GHSA-4"))
    loads = await records.loads(store, 7)
    assert loads["carol"] == Load(0, 5.0)
    assert loads["bob"] == Load(2, 30.0)
    assert [r.ghsa_id for r in await records.unfinished(store, 7)] == [
        "GHSA-1",
        "GHSA-2",
        "GHSA-4",
    ]


async def test_sweeps_are_remembered_per_installation(store: Store) -> None:
    assert await records.last_sweep(store, 7) is None
    await records.mark_swept(store, 7, 100.0, 100.0)
    await records.mark_swept(store, 7, 200.0, None)
    assert await records.last_sweep(store, 7) == (200.0, None)
