"""One clock for the whole app, so tests and the sandbox can move time together."""

from __future__ import annotations

import time
from datetime import UTC, datetime


class Clock:
    """Wall-clock time plus an offset that tests (and the sandbox) may advance.

    Everything in Warden that reasons about deadlines asks a ``Clock``; the
    sandbox GitHub shares the same instance so both sides agree on "now".
    """

    def __init__(self, offset: float = 0.0) -> None:
        self._offset = offset

    def time(self) -> float:
        """Seconds since the epoch, like ``time.time()``."""
        return time.time() + self._offset

    def now(self) -> datetime:
        """The current time as an aware UTC datetime."""
        return datetime.fromtimestamp(self.time(), tz=UTC)

    def advance(self, seconds: float) -> None:
        """Move this clock forward (tests and the sandbox only)."""
        if seconds < 0:
            raise ValueError("a clock only moves forward")
        self._offset += seconds


SYSTEM_CLOCK = Clock()
