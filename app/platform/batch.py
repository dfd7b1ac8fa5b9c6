"""Group concurrent small writes into one database transaction (group commit)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")

MAX_BATCH = 256


class Batcher(Generic[T, R]):
    """Callers ``submit`` one item each; one task writes whatever has queued up meanwhile.

    ``write`` returns one result per item, in order; a result that is an exception is raised
    to that item's caller alone (its neighbours still get theirs). An exception raised by
    ``write`` itself goes to every caller of the batch. Up to ``in_flight`` batches are
    written at once (a database with a pool of connections commits them side by side).
    """

    def __init__(
        self,
        write: Callable[[Sequence[T]], Awaitable[Sequence[R | Exception]]],
        name: str,
        in_flight: int = 1,
    ) -> None:
        self._write = write
        self._name = name
        self._in_flight = in_flight
        self._pending: asyncio.Queue[tuple[T, asyncio.Future[R]]] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        self._task = asyncio.create_task(self._loop(), name=self._name)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def submit(self, item: T) -> R:
        """Return once the batch holding ``item`` is written (or raise its error)."""
        future: asyncio.Future[R] = asyncio.get_running_loop().create_future()
        self._pending.put_nowait((item, future))
        return await future

    async def _loop(self) -> None:
        writing: set[asyncio.Task[None]] = set()
        slots = asyncio.Semaphore(self._in_flight)
        try:
            while True:
                await slots.acquire()
                batch = [await self._pending.get()]
                while len(batch) < MAX_BATCH and not self._pending.empty():
                    batch.append(self._pending.get_nowait())
                task = asyncio.create_task(self._write_batch(batch))
                writing.add(task)
                task.add_done_callback(writing.discard)
                task.add_done_callback(lambda _: slots.release())
        finally:
            for task in writing:
                task.cancel()

    async def _write_batch(self, batch: list[tuple[T, asyncio.Future[R]]]) -> None:
        try:
            results = await self._write([item for item, _ in batch])
        except asyncio.CancelledError:  # stopped: its callers are not left waiting
            for _, future in batch:
                future.cancel()
            raise
        except Exception as exc:
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for (_, future), result in zip(batch, results, strict=True):
            if future.done():
                continue
            if isinstance(result, Exception):
                future.set_exception(result)
            else:
                future.set_result(result)
