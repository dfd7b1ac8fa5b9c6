"""The write-ahead log of a SQLite database: made durable on demand, checkpointed aside.

Commits are written at synchronous=NORMAL: into the log, not yet fsynced. Whatever must be
durable before an answer (a webhook's 202) is answered after ``sync``, one fsync of the log
for every commit made since the last (what synchronous=FULL does at each commit). Before a
checkpoint lets the log start over, SQLite fsyncs the database, so nothing the log drops is
lost.

Checkpoints (copying the log into the database) run on a thread of their own, with their
own connection, when the log passes ``CHECKPOINT_BYTES``: the connection that commits never
checkpoints itself (``wal_autocheckpoint=0``), so no commit waits for one.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time

log = logging.getLogger(__name__)

#: About a thousand pages, SQLite's own default threshold.
CHECKPOINT_BYTES = 4 * 1024 * 1024
#: A checkpoint is also tried this often, whatever the log's size.
CHECKPOINT_SECONDS = 5.0
#: And never more often than this (the log file keeps its size once the log starts over,
#: so its size alone would ask for a checkpoint after every commit).
CHECKPOINT_GAP = 0.2


class WriteAheadLog:
    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None
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
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def sync(self) -> None:
        """Make every commit so far durable; ask for a checkpoint if the log grew large."""
        fd = self._log_fd()
        if fd is None:  # no log: every commit is in the database file itself
            database = os.open(self.path, os.O_RDONLY)
            try:
                os.fdatasync(database)
            finally:
                os.close(database)
            return
        os.fdatasync(fd)
        if os.fstat(fd).st_size > CHECKPOINT_BYTES:
            self._wake.set()

    def _log_fd(self) -> int | None:
        """The log file, opened once (again if it was removed: SQLite removes it when the
        last connection closes, and makes a new one when the database is next opened)."""
        if self._fd is not None:
            if os.fstat(self._fd).st_nlink > 0:
                return self._fd
            os.close(self._fd)
            self._fd = None
        try:
            self._fd = os.open(self.path + "-wal", os.O_RDONLY)
        except FileNotFoundError:
            return None
        return self._fd

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
                time.sleep(CHECKPOINT_GAP)
        finally:
            conn.close()
