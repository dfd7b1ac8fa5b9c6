"""Group commit on the event loop (PostgreSQL's intake, the workers' completions): what was
submitted while a batch was written makes the next batch, each caller gets its own answer,
and up to ``in_flight`` batches are written side by side."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from app.platform.batch import Batcher


class SlowWriter:
    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.writing = 0
        self.most_at_once = 0

    async def __call__(self, items: Sequence[int]) -> list[int | Exception]:
        self.batches.append(list(items))
        self.writing += 1
        self.most_at_once = max(self.most_at_once, self.writing)
        await asyncio.sleep(0.05)
        self.writing -= 1
        return [ValueError(i) if i < 0 else i * 10 for i in items]


@pytest.mark.parametrize("in_flight", [1, 3])
async def test_batches_are_written_at_most_in_flight_at_once(in_flight: int) -> None:
    writer = SlowWriter()
    batcher: Batcher[int, int] = Batcher(writer, "test", in_flight=in_flight)
    batcher.start()
    try:
        tasks = []
        for n in range(6):  # one submission every 10 ms, each batch takes 50 ms
            tasks.append(asyncio.create_task(batcher.submit(n)))
            await asyncio.sleep(0.01)
        assert await asyncio.gather(*tasks) == [n * 10 for n in range(6)]
    finally:
        await batcher.stop()
    assert writer.most_at_once == in_flight
    assert sorted(i for batch in writer.batches for i in batch) == list(range(6))
    if in_flight == 1:
        assert writer.batches[0] == [0] and len(writer.batches[1]) > 1  # the rest piled up


async def test_an_item_the_writer_refuses_fails_alone() -> None:
    batcher: Batcher[int, int] = Batcher(SlowWriter(), "test")
    batcher.start()
    try:
        results = await asyncio.gather(
            *(batcher.submit(n) for n in (1, -1, 2)), return_exceptions=True
        )
    finally:
        await batcher.stop()
    assert results[0] == 10 and results[2] == 20
    assert isinstance(results[1], ValueError)


async def test_stopping_cancels_the_callers_of_a_batch_being_written() -> None:
    batcher: Batcher[int, int] = Batcher(SlowWriter(), "test")
    batcher.start()
    waiting = asyncio.create_task(batcher.submit(1))
    await asyncio.sleep(0.01)
    await batcher.stop()
    with pytest.raises(asyncio.CancelledError):
        await asyncio.wait_for(waiting, 1)
