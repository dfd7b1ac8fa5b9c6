"""One SQLite connection on one thread of its own, so its statements never interleave.

The thread also group-commits what must be durable before an answer (webhook intake): it
takes every item submitted while it was busy, writes them in one durable transaction ahead
of the other work queued behind them, answers their callers at once, and starts the next
group itself, without waiting for the event loop to hand it over. The loop's part is a
queue put per item: on a busy loop a hand-off per group cost more than the commit, and each
statement of the thread's waits for the interpreter's lock, so a group is written in as few
statements as the writer can manage.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import sqlite3
import threading
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from app.platform.errors import StoreError

T = TypeVar("T")
Item = TypeVar("Item")
Result = TypeVar("Result")

MAX_GROUP = 256


class _Drain:
    """The marker that tells the thread grouped items wait."""


_DRAIN = _Drain()
_STOP = None
_Job = tuple[Callable[..., Any], tuple[Any, ...], asyncio.AbstractEventLoop, asyncio.Future[Any]]
#: An item submitted to the group writer: the item, and where to answer its caller.
_Pending = tuple[Any, asyncio.AbstractEventLoop, "asyncio.Future[Any]"]


def _settle(future: asyncio.Future[Any], result: object, error: BaseException | None) -> None:
    if future.done():
        return  # its caller gave up (cancelled); the work is done all the same
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


def _settle_group(futures: Sequence[asyncio.Future[Any]], results: Sequence[object]) -> None:
    for future, result in zip(futures, results, strict=True):
        if isinstance(result, BaseException):
            _settle(future, None, result)
        else:
            _settle(future, result, None)


def _post(loop: asyncio.AbstractEventLoop, callback: Callable[..., None], *args: Any) -> None:
    # RuntimeError: the loop closed while the thread worked; nobody waits for the answer.
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(callback, *args)


class Lane(Generic[Item, Result]):
    """``call`` runs a function on the lane's thread; ``grouped`` submits one item to the
    group writer ``write_group``, which makes the group durable and returns one result (or
    exception) per item."""

    def __init__(
        self,
        name: str,
        write_group: Callable[[Sequence[Item]], Sequence[Result | Exception]],
    ) -> None:
        self.name = name
        self.conn: sqlite3.Connection | None = None
        self._write_group = write_group
        self._jobs: queue.SimpleQueue[_Job | _Drain | None] = queue.SimpleQueue()
        self._grouped: queue.SimpleQueue[_Pending] = queue.SimpleQueue()
        self._marked = False  # a drain marker is queued and not yet taken
        self._thread = threading.Thread(target=self._run, name=f"sqlite-{name}", daemon=True)
        self._closed = False

    def start(self) -> None:
        self._thread.start()

    async def stop(self) -> None:
        """Finish what is queued, then end the thread."""
        if self._closed:
            return
        self._closed = True
        if self._thread.is_alive():
            self._jobs.put(_STOP)
            await asyncio.get_running_loop().run_in_executor(None, self._thread.join)

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._put((fn, args, loop, future))
        return await future

    async def grouped(self, item: Item) -> Result:
        """Submit ``item`` to the group writer; return once its group is durable."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Result] = loop.create_future()
        if self._closed:
            raise StoreError("the database is closed")
        self._grouped.put((item, loop, future))
        if not self._marked:  # one marker wakes the thread for every item put before it
            self._marked = True
            self._jobs.put(_DRAIN)
        return await future

    def db(self) -> sqlite3.Connection:
        if self.conn is None:
            raise StoreError("the database is not open")
        return self.conn

    def _put(self, job: _Job | _Drain) -> None:
        if self._closed:
            raise StoreError("the database is closed")
        self._jobs.put(job)

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _DRAIN:
                self._marked = False  # before draining: an item put from now on re-marks
            self._drain()  # grouped items go first, whatever was queued before them
            if job is _STOP:
                return
            if isinstance(job, tuple):
                self._run_job(*job)

    def _run_job(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        loop: asyncio.AbstractEventLoop,
        future: asyncio.Future[Any],
    ) -> None:
        try:
            result = fn(*args)
        except BaseException as exc:  # handed to the caller, whatever it is
            _post(loop, _settle, future, None, exc)
        else:
            _post(loop, _settle, future, result, None)

    def _drain(self) -> None:
        while True:
            group: list[_Pending] = []
            while len(group) < MAX_GROUP:
                try:
                    group.append(self._grouped.get_nowait())
                except queue.Empty:
                    break
            if not group:
                return
            self._write(group)

    def _write(self, group: list[_Pending]) -> None:
        results: list[object]
        try:
            results = list(self._write_group([item for item, _, _ in group]))
        except BaseException as exc:  # not durable: no caller may be told it is stored
            results = [exc] * len(group)
        by_loop: dict[asyncio.AbstractEventLoop, tuple[list[Any], list[object]]] = {}
        for (_, loop, future), result in zip(group, results, strict=True):
            futures, outcomes = by_loop.setdefault(loop, ([], []))
            futures.append(future)
            outcomes.append(result)
        for loop, (futures, outcomes) in by_loop.items():
            _post(loop, _settle_group, futures, outcomes)
