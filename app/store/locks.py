"""Named locks: their stable numbers (PostgreSQL) and the in-process half (both backends)."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


def lock_id(namespace: str, key: str, schema: str = "") -> int:
    """A stable signed 64-bit number for the lock named (``namespace``, ``key``)."""
    name = f"warden-lock\0{schema}\0{namespace}\0{key}".encode()
    return int.from_bytes(hashlib.sha256(name).digest()[:8], "big", signed=True)


class LocalLocks:
    """One asyncio lock per name in this process, forgotten once no one holds or awaits it."""

    def __init__(self) -> None:
        self._locks: dict[tuple[str, str], tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def hold(self, namespace: str, key: str) -> AsyncIterator[None]:
        name = (namespace, key)
        lock, users = self._locks.get(name, (asyncio.Lock(), 0))
        self._locks[name] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[name]
            if users == 1:
                del self._locks[name]
            else:
                self._locks[name] = (lock, users - 1)
