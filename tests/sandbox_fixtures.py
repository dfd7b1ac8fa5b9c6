"""Pytest fixtures for the sandbox GitHub: import them from ``tests/conftest.py``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.platform.clock import Clock
from sandbox import Sandbox


@pytest.fixture
def clock() -> Clock:
    """One clock shared by the sandbox and the code under test."""
    return Clock()


@pytest.fixture
async def sandbox(clock: Clock) -> AsyncIterator[Sandbox]:
    """A started sandbox; the test fails at teardown on any contract violation or any
    webhook payload that breaks the official schema."""
    sb = Sandbox(clock=clock)
    await sb.start()
    try:
        yield sb
        await sb.settle()
    finally:
        await sb.stop()
    problems = [str(v) for v in sb.violations] + sb.payload_problems
    if problems:
        pytest.fail("GitHub contract problems:\n" + "\n".join(problems), pytrace=False)
