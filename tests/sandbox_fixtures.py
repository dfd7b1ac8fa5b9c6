"""Pytest fixtures for the sandbox GitHub: import them from ``tests/conftest.py``."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from app.platform.clock import Clock
from sandbox import Sandbox
from sandbox.cve_services import CveServices

CNA, CNA_USER, CNA_KEY = "PSF", "psrt-bot@python.org", "cna-key-0123"


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


@pytest.fixture
async def cve_services(clock: Clock) -> AsyncIterator[CveServices]:
    """A started CVE Services with the CNA ``PSF`` (user ``CNA_USER``, key ``CNA_KEY``); the
    test fails at teardown on any request that breaks CVE Services' description."""
    cs = CveServices(clock)
    cs.add_cna(CNA, CNA_USER, CNA_KEY)
    await cs.start()
    try:
        yield cs
    finally:
        await cs.stop()
    problems = cs.violations + cs.bad_answers
    if problems:
        pytest.fail("CVE Services contract problems:\n" + "\n".join(problems), pytrace=False)
