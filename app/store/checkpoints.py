"""Checkpoints of a SQLite database's write-ahead log, on a thread of their own.

Copying the log into the database file (a checkpoint) takes milliseconds for a few
megabytes. SQLite would do it inside whichever commit crosses its threshold; intake's
commits are waited for by webhook requests, so no connection of the store checkpoints
itself (``wal_autocheckpoint=0``): a thread with its own connection does. It waits for a
quiet moment once ``CHECKPOINT_BYTES`` were written (a burst of webhooks is answered
first: the copy costs about a tenth of intake's speed while it runs), checkpoints at once
past ``CHECKPOINT_CAP`` however busy intake is, and every ``CHECKPOINT_SECONDS`` anyway.
A passive checkpoint never blocks a writer.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time

log = logging.getLogger(__name__)

#: About a thousand pages, SQLite's own default threshold: a checkpoint at the next pause.
CHECKPOINT_BYTES = 4 * 1024 * 1024
#: A checkpoint now, however busy intake is (the log on disk stays about this size).
CHECKPOINT_CAP = 64 * 1024 * 1024
#: A pause: no intake commit for this long.
QUIET_SECONDS = 0.05
#: A checkpoint is also run this often, whatever was written (the store's other writes).
CHECKPOINT_SECONDS = 5.0


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
        try:
            conn.execute("PRAGMA busy_timeout=10000")
            while not self._stopping:
                self._wake.wait(QUIET_SECONDS)
                self._wake.clear()
                now = time.monotonic()
                if self._stopping or not self.due(now):
                    continue
                self._written = 0
                self._last_checkpoint = now
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error as exc:  # tried again at the next wake
                    log.warning("could not checkpoint the database's log: %s", exc)
        finally:
            conn.close()
