"""SQLite intake: a delivery is fsynced before its 202, commits never checkpoint the log
themselves, and the log is copied into the database at a pause in a burst (or past a cap),
written out a step at a time while the log is held."""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import os
import shutil
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from app.store import NewDelivery, checkpoints
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


# A checkpoint's copy is written out a step at a time, and the log is held until then.


def log_restarts(path: Path) -> int:
    """The log header's checkpoint sequence: it grows each time a writer restarts the log
    from its first frame (over frames already copied)."""
    with open(f"{path}-wal", "rb") as log:
        return int.from_bytes(log.read(16)[12:16], "big")


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[Path, sqlite3.Connection]]:
    """A database in WAL mode with 50 rows in its log, and the connection that wrote them."""
    path = tmp_path / "log.sqlite3"
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE rows (n INTEGER, pad BLOB)")
    for n in range(50):
        writer.execute("INSERT INTO rows VALUES (?, ?)", (n, b"x" * 4000))
    yield path, writer
    writer.close()


def checkpointer(path: Path) -> tuple[sqlite3.Connection, sqlite3.Connection]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")
    return conn, sqlite3.connect(path, isolation_level=None)


def rows_in_database_file(path: Path, tmp_path: Path) -> int:
    """Rows the database file holds by itself (a copy of it without its log). Last in a
    test: closing a file releases every POSIX lock the process holds on it, SQLite's too."""
    alone = tmp_path / "alone.sqlite3"
    shutil.copyfile(path, alone)
    with contextlib.closing(sqlite3.connect(alone)) as conn:
        return int(conn.execute("SELECT count(*) FROM rows").fetchone()[0])


def test_no_writer_restarts_the_log_before_the_copy_is_written_out(
    database: tuple[Path, sqlite3.Connection], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, writer = database
    conn, hold = checkpointer(path)
    restarts = log_restarts(path)
    seen: list[int] = []

    def write_out(file: str, step: int = checkpoints.FLUSH_STEP) -> None:
        writer.execute("INSERT INTO rows VALUES (50, NULL)")  # would restart the log
        seen.append(log_restarts(path))
        real_write_out(file, step=4096)  # several steps

    real_write_out = checkpoints.write_out
    monkeypatch.setattr(checkpoints, "write_out", write_out)
    checkpoints.checkpoint(str(path), conn, hold)
    assert seen == [restarts]  # the log was held while the copy was written out
    assert os.path.getsize(path) > 50 * 4000  # the copy reached the file
    monkeypatch.setattr(checkpoints, "write_out", real_write_out)
    writer.execute("INSERT INTO rows VALUES (51, NULL)")
    writer.execute("INSERT INTO rows VALUES (52, NULL)")
    checkpoints.checkpoint(str(path), conn, hold)
    writer.execute("INSERT INTO rows VALUES (53, NULL)")
    assert log_restarts(path) == restarts + 1  # released: the log restarts as it should
    assert rows_in_database_file(path, tmp_path) == 53
    conn.close()
    hold.close()


def test_a_failed_write_out_keeps_the_log_held_until_one_succeeds(
    database: tuple[Path, sqlite3.Connection], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, writer = database
    conn, hold = checkpointer(path)
    restarts = log_restarts(path)
    real_write_out = checkpoints.write_out

    def failing(file: str, step: int = checkpoints.FLUSH_STEP) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(checkpoints, "write_out", failing)
    with pytest.raises(OSError):
        checkpoints.checkpoint(str(path), conn, hold)
    writer.execute("INSERT INTO rows VALUES (50, NULL)")
    assert log_restarts(path) == restarts  # still held: those pages may not be on disk
    monkeypatch.setattr(checkpoints, "write_out", real_write_out)
    checkpoints.checkpoint(str(path), conn, hold)  # writes out, then lets go
    writer.execute("INSERT INTO rows VALUES (51, NULL)")
    writer.execute("INSERT INTO rows VALUES (52, NULL)")
    checkpoints.checkpoint(str(path), conn, hold)
    writer.execute("INSERT INTO rows VALUES (53, NULL)")
    assert log_restarts(path) == restarts + 1
    assert rows_in_database_file(path, tmp_path) == 53
    conn.close()
    hold.close()


def test_the_file_is_written_out_without_sync_file_range_or_fdatasync_too(
    database: tuple[Path, sqlite3.Connection], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = database
    monkeypatch.setattr(ctypes, "CDLL", lambda *args, **kwargs: object())
    assert checkpoints._sync_file_range() is None  # a C library without it: one fsync
    monkeypatch.setattr(checkpoints, "SYNC_FILE_RANGE", None)
    monkeypatch.delattr(os, "fdatasync", raising=False)  # macOS
    conn, hold = checkpointer(path)
    checkpoints.checkpoint(str(path), conn, hold)
    assert rows_in_database_file(path, tmp_path) == 50
    conn.close()
    hold.close()


async def test_closing_the_store_leaves_everything_in_the_database_file(
    tmp_path: Path,
) -> None:
    store = SqliteStore(str(tmp_path / "warden.sqlite3"))
    await store.open()
    body = b'{"pad": "' + b"x" * 12_000 + b'"}'
    for n in range(20):
        await store.store_delivery(NewDelivery(f"d-{n}", "issues", None, 1, None, body, 1.0))
    await store.close()
    assert left_behind(store.path) == (False, 20)  # the last connection copied the log


def left_behind(path: str) -> tuple[bool, int]:
    """Whether a log is left next to the database file, and the deliveries the file holds."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        log_left = os.path.exists(f"{path}-wal")
        return log_left, int(conn.execute("SELECT count(*) FROM deliveries").fetchone()[0])
