"""The SQLite store's thread: items submitted while it works are written as one group, each
caller gets its own answer, a refused item fails alone, and grouped writes go before the
other work queued on the thread."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator, Sequence

import pytest

from app.platform.errors import StoreError
from app.store.lane import Lane


class Writer:
    """A group writer that records its groups and refuses the item ``"poison"``."""

    def __init__(self) -> None:
        self.groups: list[list[str]] = []
        self.order: list[str] = []
        self.gate = threading.Event()
        self.gate.set()

    def __call__(self, group: Sequence[str]) -> list[str | Exception]:
        self.gate.wait(5)
        self.groups.append(list(group))
        self.order.append("group")
        return [ValueError(i) if i == "poison" else i.upper() for i in group]


@pytest.fixture
async def lane() -> AsyncIterator[tuple[Lane[str, str], Writer]]:
    writer = Writer()
    lane: Lane[str, str] = Lane("test", writer)
    lane.start()
    yield lane, writer
    await lane.stop()


async def test_items_submitted_while_the_thread_is_busy_share_one_group(
    lane: tuple[Lane[str, str], Writer],
) -> None:
    lane_, writer = lane
    writer.gate.clear()  # the first group waits: everything after it piles up
    first = asyncio.create_task(lane_.grouped("first"))
    await asyncio.sleep(0.05)
    rest = [asyncio.create_task(lane_.grouped(f"item-{n}")) for n in range(20)]
    await asyncio.sleep(0.05)
    writer.gate.set()
    assert await first == "FIRST"
    assert await asyncio.gather(*rest) == [f"ITEM-{n}" for n in range(20)]
    assert writer.groups == [["first"], [f"item-{n}" for n in range(20)]]


async def test_an_item_the_writer_refuses_fails_alone(lane: tuple[Lane[str, str], Writer]) -> None:
    lane_, writer = lane
    writer.gate.clear()
    blocker = asyncio.create_task(lane_.grouped("blocker"))
    await asyncio.sleep(0.05)
    items = ["a", "poison", "b"]
    tasks = [asyncio.create_task(lane_.grouped(i)) for i in items]
    await asyncio.sleep(0.05)
    writer.gate.set()
    await blocker
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert results[0] == "A" and results[2] == "B"
    assert isinstance(results[1], ValueError)
    assert ["a", "poison", "b"] in writer.groups


async def test_a_writer_that_raises_fails_its_whole_group_and_the_lane_goes_on() -> None:
    calls = 0

    def broken(group: Sequence[str]) -> list[str | Exception]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise OSError("disk full")
        return list(group)

    lane: Lane[str, str] = Lane("test", broken)
    lane.start()
    try:
        with pytest.raises(OSError, match="disk full"):
            await lane.grouped("lost")
        assert await lane.grouped("kept") == "kept"
    finally:
        await lane.stop()


async def test_grouped_writes_go_before_work_queued_ahead_of_them(
    lane: tuple[Lane[str, str], Writer],
) -> None:
    lane_, writer = lane

    def slow_job(name: str) -> str:
        time.sleep(0.05)
        writer.order.append(name)
        return name

    jobs = [asyncio.create_task(lane_.call(slow_job, f"job-{n}")) for n in range(3)]
    await asyncio.sleep(0.01)  # job-0 runs; job-1 and job-2 wait
    item = asyncio.create_task(lane_.grouped("webhook"))
    assert await asyncio.gather(*jobs) == ["job-0", "job-1", "job-2"]
    assert await item == "WEBHOOK"
    assert writer.order.index("group") < writer.order.index("job-1")


async def test_a_stopped_lane_refuses_new_work() -> None:
    lane: Lane[str, str] = Lane("test", Writer())
    lane.start()
    await lane.stop()
    with pytest.raises(StoreError):
        await lane.grouped("late")
    with pytest.raises(StoreError):
        await lane.call(str, "late")
