"""Checkpoints of a SQLite database's write-ahead log, on a thread of their own.

Copying the log into the database file (a checkpoint) takes milliseconds for a few
megabytes. SQLite would do it inside whichever commit crosses its threshold; intake's
commits are waited for by webhook requests, so no connection of the store checkpoints
itself (``wal_autocheckpoint=0``): a thread with its own connection does, when about
``CHECKPOINT_BYTES`` were written since the last, and every ``CHECKPOINT_SECONDS``
anyway. A passive checkpoint never blocks a writer.
"""

from __future__ import annotations

import logging
import sqlite3
import threading

log = logging.getLogger(__name__)

#: About a thousand pages, SQLite's own default threshold.
CHECKPOINT_BYTES = 4 * 1024 * 1024
#: A checkpoint is also run this often, whatever was written.
CHECKPOINT_SECONDS = 5.0


class Checkpoints:
    def __init__(self, path: str) -> None:
        self.path = path
        self._written = 0
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
        """Count ``size`` bytes committed; past the threshold, wake the thread."""
        self._written += size
        if self._written > CHECKPOINT_BYTES:
            self._written = 0
            self._wake.set()

    def _checkpoints(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA busy_timeout=10000")
            while not self._stopping:
                self._wake.wait(CHECKPOINT_SECONDS)
                self._wake.clear()
                if self._stopping:
                    break
                try:
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
                except sqlite3.Error as exc:  # tried again at the next wake
                    log.warning("could not checkpoint the database's log: %s", exc)
        finally:
            conn.close()
