"""Primary rate limits per installation, and faults injected into the next matching requests."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from app.platform.clock import Clock

LIMIT = 5000
WINDOW = 3600.0
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID."
)


@dataclass
class Bucket:
    """One rate-limit window: ``used`` requests since ``reset - WINDOW``."""

    limit: int
    reset: float
    used: int = 0

    @property
    def remaining(self) -> int:
        """Requests left in the window."""
        return max(self.limit - self.used, 0)


class RateLimits:
    """The ``core`` resource limits, one bucket per installation (and one for the app JWT)."""

    def __init__(self, clock: Clock, limit: int = LIMIT) -> None:
        self.clock = clock
        self.limit = limit
        self.buckets: dict[str, Bucket] = {}

    def bucket(self, key: str) -> Bucket:
        """The current window for ``key`` (a new one once the old has reset)."""
        now = self.clock.time()
        found = self.buckets.get(key)
        if found is None or found.reset <= now:
            found = Bucket(self.limit, float(int(now + WINDOW)))
            self.buckets[key] = found
        return found

    def headers(self, key: str) -> dict[str, str]:
        """The ``x-ratelimit-*`` headers GitHub sends on every answer."""
        bucket = self.bucket(key)
        return {
            "x-ratelimit-limit": str(bucket.limit),
            "x-ratelimit-remaining": str(bucket.remaining),
            "x-ratelimit-reset": str(int(bucket.reset)),
            "x-ratelimit-used": str(bucket.used),
            "x-ratelimit-resource": "core",
        }


FaultKind = Literal["status", "latency", "drop", "drop_after"]


@dataclass
class Fault:
    """Something to do instead of (or before) answering the next ``times`` matching requests."""

    kind: FaultKind
    method: str | None
    path_regex: str | None
    times: int
    status: int = 500
    retry_after: int | None = None
    message: str | None = None
    seconds: float = 0.0
    hits: int = field(default=0)

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault applies to ``method path``."""
        if self.method and self.method.upper() != method:
            return False
        return not self.path_regex or re.search(self.path_regex, path) is not None


class Faults:
    """The injectable faults: ``add`` (an error answer), ``latency``, ``drop`` and
    ``drop_after``."""

    def __init__(self) -> None:
        self.pending: list[Fault] = []

    def add(
        self,
        method: str | None = None,
        path_regex: str | None = None,
        status: int = 502,
        times: int = 1,
        retry_after: int | None = None,
        message: str | None = None,
    ) -> Fault:
        """Answer ``status`` to the next ``times`` matching requests. A 403 or 429 with
        ``retry_after`` is a secondary rate limit (GitHub's message is the default)."""
        if message is None and status in (403, 429):
            message = SECONDARY_MESSAGE
        fault = Fault("status", method, path_regex, times, status, retry_after, message)
        self.pending.append(fault)
        return fault

    def secondary_limit(
        self,
        method: str | None = None,
        path_regex: str | None = None,
        times: int = 1,
        retry_after: int = 60,
        status: int = 403,
    ) -> Fault:
        """A secondary rate limit: 403 (or 429) with ``retry-after``."""
        return self.add(method, path_regex, status, times, retry_after)

    def latency(
        self,
        seconds: float,
        method: str | None = None,
        path_regex: str | None = None,
        times: int = 1,
    ) -> Fault:
        """Delay the next ``times`` matching answers by ``seconds`` (real time)."""
        fault = Fault("latency", method, path_regex, times, seconds=seconds)
        self.pending.append(fault)
        return fault

    def drop(
        self, method: str | None = None, path_regex: str | None = None, times: int = 1
    ) -> Fault:
        """Close the connection without answering the next ``times`` matching requests."""
        fault = Fault("drop", method, path_regex, times)
        self.pending.append(fault)
        return fault

    def drop_after(
        self, method: str | None = None, path_regex: str | None = None, times: int = 1
    ) -> Fault:
        """Apply the next ``times`` matching requests, then close the connection without
        answering: GitHub did it, the client never hears so (a crash at the worst moment)."""
        fault = Fault("drop_after", method, path_regex, times)
        self.pending.append(fault)
        return fault

    def take(self, method: str, path: str) -> list[Fault]:
        """The faults that apply to this request: every latency plus the oldest answer-changing
        fault (each use counts against its ``times``)."""
        matching = [f for f in self.pending if f.matches(method, path)]
        final = [f for f in matching if f.kind != "latency"][:1]
        hit = [f for f in matching if f.kind == "latency"] + final
        for fault in hit:
            fault.hits += 1
            fault.times -= 1
        self.pending = [f for f in self.pending if f.times > 0]
        return hit

    def clear(self) -> None:
        """Forget every pending fault."""
        self.pending.clear()
