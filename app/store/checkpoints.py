"""Checkpoints of a SQLite database's write-ahead log, on a thread of their own.

Copying the log into the database file (a checkpoint) takes milliseconds for a few
megabytes. SQLite would do it inside whichever commit crosses its threshold; intake's
commits are waited for by webhook requests, so no connection of the store checkpoints
itself (``wal_autocheckpoint=0``): a thread with its own connection does. It waits for a
quiet moment once ``CHECKPOINT_BYTES`` were written (a burst of webhooks is answered
first: the copy costs about a tenth of intake's speed while it runs), checkpoints at once
past ``CHECKPOINT_CAP`` however busy intake is, and every ``CHECKPOINT_SECONDS`` anyway.
A passive checkpoint never blocks a writer.

How a checkpoint reaches the disk matters as much as when. SQLite's own checkpoint copies
the log's pages into the database file and then fsyncs it in one call: after a burst that
is tens of megabytes written at once, and on ext4 (``data=ordered``) an intake commit that
needs the file system's journal meanwhile waits for all of it (acks stalled 40-100 ms after
a 10,000-delivery burst). So the copy is made without SQLite's fsync and the database
file is then written out a mebibyte at a time (``sync_file_range``, then one ``fsync``),
so an intake commit waits for one step at most. The log is held meanwhile: a read
transaction on a second connection, begun before the copy, keeps every writer from
restarting the log over frames whose pages may not have reached the disk yet. Until the
last ``fsync`` returns, the log still holds every page (SQLite's recovery copies it again
after a power cut), exactly as during SQLite's own checkpoint; the log itself is fsynced
before the copy, as SQLite does.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

#: About a thousand pages, SQLite's own default threshold: a checkpoint at the next pause.
CHECKPOINT_BYTES = 4 * 1024 * 1024
#: A checkpoint now, however busy intake is (the log on disk stays about this size).
CHECKPOINT_CAP = 64 * 1024 * 1024
#: A pause: no intake commit for this long.
QUIET_SECONDS = 0.05
#: A checkpoint is also run this often, whatever was written (the store's other writes).
CHECKPOINT_SECONDS = 5.0
#: The database file is written out this much at a time after a checkpoint's copy.
FLUSH_STEP = 1024 * 1024


class Checkpoints:
    def __init__(self, path: str) -> None:
        self.path = path
        self._written = 0  # bytes intake committed since the last checkpoint
        self._last_write = 0.0
        self._last_checkpoint = time.monotonic()
        self._wake = threading.Event()
        self._stopping = False
        self._thread = threading.Thread(
            target=self._checkpoints, name="sqlite-checkpoint", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        """End the checkpoint thread (after the checkpoint it may be running)."""
        self._stopping = True
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join()

    def wrote(self, size: int) -> None:
        """Count ``size`` bytes committed by intake; past the cap, wake the thread."""
        self._written += size
        self._last_write = time.monotonic()
        if self._written >= CHECKPOINT_CAP:
            self._wake.set()

    def due(self, now: float) -> bool:
        if self._written >= CHECKPOINT_CAP:
            return True
        if self._written >= CHECKPOINT_BYTES and now - self._last_write >= QUIET_SECONDS:
            return True
        return now - self._last_checkpoint >= CHECKPOINT_SECONDS

    def _checkpoints(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        hold = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout=10000")
            conn.execute("PRAGMA synchronous=OFF")  # the copy only: ``checkpoint`` syncs
            while not self._stopping:
                self._wake.wait(QUIET_SECONDS)
                self._wake.clear()
                now = time.monotonic()
                if self._stopping or not self.due(now):
                    continue
                self._written = 0
                self._last_checkpoint = now
                try:
                    checkpoint(self.path, conn, hold)
                except (sqlite3.Error, OSError) as exc:  # tried again at the next wake
                    log.warning("could not checkpoint the database's log: %s", exc)
        finally:
            # The last connection to close checkpoints the log and deletes it: it must
            # fsync what it copies, as every connection but ``conn`` does.
            with contextlib.suppress(sqlite3.Error):
                conn.execute("PRAGMA synchronous=FULL")
            conn.close()
            hold.close()


def checkpoint(path: str, conn: sqlite3.Connection, hold: sqlite3.Connection) -> None:
    """Copy the log into the database file (``conn`` at ``synchronous=OFF``), then write
    the file out a step at a time; ``hold`` keeps the log from restarting until then.
    When writing out fails, ``hold`` keeps holding the log, and the next call writes it
    out again before it copies anything new."""
    if not hold.in_transaction:
        hold.execute("BEGIN")
        hold.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # a reader of the log
        _sync(path + "-wal")
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
    write_out(path)
    hold.execute("COMMIT")


def _sync(path: str) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        getattr(os, "fdatasync", os.fsync)(fd)  # macOS has no fdatasync
    finally:
        os.close(fd)


def write_out(path: str, step: int = FLUSH_STEP) -> None:
    """Write the file's dirty pages to the disk ``step`` bytes at a time, then fsync it."""
    fd = os.open(path, os.O_RDONLY)
    try:
        if SYNC_FILE_RANGE is not None:
            for offset in range(0, os.fstat(fd).st_size, step):
                SYNC_FILE_RANGE(fd, offset, step)
        os.fsync(fd)
    finally:
        os.close(fd)


def _sync_file_range() -> Callable[[int, int, int], None] | None:
    """Linux's ``sync_file_range`` (wait for earlier writes of the range, write it, wait
    for that), or None where the C library has none: then the fsync writes it all."""
    try:
        library = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    except (OSError, TypeError):  # no C library to load (Windows)
        return None
    function = getattr(library, "sync_file_range", None)
    if function is None:
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_int64, ctypes.c_int64, ctypes.c_uint]
    function.restype = ctypes.c_int
    wait_before, write, wait_after = 1, 2, 4

    def sync_range(fd: int, offset: int, size: int) -> None:
        if function(fd, offset, size, wait_before | write | wait_after) != 0:
            number = ctypes.get_errno()
            raise OSError(number, os.strerror(number))

    return sync_range


SYNC_FILE_RANGE = _sync_file_range()
