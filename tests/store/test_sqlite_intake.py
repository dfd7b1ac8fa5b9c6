"""SQLite intake: a delivery is fsynced before its 202, commits never checkpoint the log
themselves, and the log is copied into the database at a pause in a burst (or past a cap)."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.store import NewDelivery
from app.store.checkpoints import (
    CHECKPOINT_BYTES,
    CHECKPOINT_CAP,
    CHECKPOINT_SECONDS,
    QUIET_SECONDS,
    Checkpoints,
)
from app.store.sqlite import SqliteStore

FULL, NORMAL = 2, 1


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[SqliteStore]:
    store = SqliteStore(str(tmp_path / "warden.sqlite3"))
    await store.open()
    yield store
    await store.close()


async def pragma(store: SqliteStore, name: str, intake: bool) -> int:
    def read() -> int:
        conn = store._intake_db() if intake else store._db()
        return int(conn.execute(f"PRAGMA {name}").fetchone()[0])

    return await store._main.call(read)


async def test_intake_commits_are_fsynced_and_no_commit_checkpoints(sqlite: SqliteStore) -> None:
    # synchronous=FULL fsyncs the log inside each intake commit, before the 202; the other
    # writes may wait for the next fsync (a delivery that ran may run again, never lost).
    assert await pragma(sqlite, "synchronous", intake=True) == FULL
    assert await pragma(sqlite, "synchronous", intake=False) == NORMAL
    assert await pragma(sqlite, "wal_autocheckpoint", intake=True) == 0
    assert await pragma(sqlite, "wal_autocheckpoint", intake=False) == 0


def database_size(store: SqliteStore) -> int:
    """The database file itself, without its log: what checkpoints copy into."""
    return os.path.getsize(store.path)


async def test_a_burst_is_copied_into_the_database_once_it_pauses(sqlite: SqliteStore) -> None:
    body = b'{"pad": "' + b"x" * 12_000 + b'"}'
    size_before = database_size(sqlite)
    count = CHECKPOINT_BYTES // len(body) + 10
    results = await asyncio.gather(
        *(
            sqlite.store_delivery(
                NewDelivery(f"d-{n}", "issues", "opened", 1, None, body, time.time())
            )
            for n in range(count)
        )
    )
    assert all(results)
    deadline = time.monotonic() + 5
    while database_size(sqlite) - size_before < CHECKPOINT_BYTES:
        assert time.monotonic() < deadline, "the log was never checkpointed"
        await asyncio.sleep(0.05)


def test_a_checkpoint_waits_for_a_pause_unless_the_log_passes_the_cap() -> None:
    checkpoints = Checkpoints("unused")
    start = time.monotonic()
    assert not checkpoints.due(start)  # nothing written, and one ran just now
    checkpoints.wrote(CHECKPOINT_BYTES)
    written_at = time.monotonic()
    assert not checkpoints.due(written_at)  # intake is busy: later
    assert checkpoints.due(written_at + QUIET_SECONDS)  # a pause
    checkpoints.wrote(CHECKPOINT_CAP)
    assert checkpoints.due(time.monotonic())  # past the cap: now, however busy
    idle = Checkpoints("unused")
    assert idle.due(time.monotonic() + CHECKPOINT_SECONDS)  # the other writes, in time
