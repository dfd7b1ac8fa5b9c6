"""Warden running against the sandbox GitHub, in-process: the end-to-end test bed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from gidgethub import routing

from app.context import Context
from app.feature import Feature, Wiring
from app.org import Installation
from app.platform.clock import Clock
from app.platform.settings import Secret, Settings
from app.scheduler import Job, Scheduler
from app.server import RUNNING, create_app
from app.wiring import WIRING
from sandbox import Sandbox


@dataclass
class Stack:
    """The sandbox, Warden's server and Warden's context, wired together."""

    sb: Sandbox
    server: TestServer
    clock: Clock

    @property
    def ctx(self) -> Context:
        ctx = self.server.app[RUNNING].ctx
        assert ctx is not None
        return ctx

    def installation(self, installation_id: int, org: str) -> Installation:
        """The organisation as Warden's handlers and jobs reach it."""
        assert self.ctx.github is not None
        gh = self.ctx.github.installation_client(installation_id)
        return Installation(self.ctx, gh, installation_id, org)

    @property
    def scheduler(self) -> Scheduler:
        scheduler = self.server.app[RUNNING].scheduler
        assert scheduler is not None
        return scheduler

    async def idle(self, seconds: float = 15.0) -> None:
        """Wait until GitHub has sent everything and Warden has processed it all."""
        async with asyncio.timeout(seconds):
            while True:
                sent = len(self.sb.deliveries)
                await self.sb.settle()
                counts = await self.ctx.store.count_deliveries()
                busy = counts.get("queued", 0) + counts.get("processing", 0)
                if not busy and len(self.sb.deliveries) == sent:
                    return
                await asyncio.sleep(0.02)


def warden_settings(sb: Sandbox, tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "app_id": str(sb.app_id),
        "private_key": Secret(sb.private_key_pem),
        "webhook_secret": Secret(sb.webhook_secret),
        "api_url": sb.url,
        "database_url": f"sqlite:///{tmp_path / 'warden.sqlite3'}",
        "tick_seconds": 3600.0,
        "max_attempts": 3,
    }
    values.update(overrides)
    return Settings(**values)


async def start_stack(
    sb: Sandbox,
    clock: Clock,
    tmp_path: Path,
    *,
    router: routing.Router | None = None,
    jobs: Sequence[Job] | None = None,
    max_inline_wait: float = 2.0,
    **settings: Any,
) -> Stack:
    wiring = WIRING
    if router is not None or jobs is not None:
        wiring = Wiring.of(Feature("test", router=router, jobs=jobs or ()))
    app = create_app(
        warden_settings(sb, tmp_path, **settings),
        wiring=wiring,
        clock=clock,
        run_scheduler=False,
        max_inline_wait=max_inline_wait,
    )
    server = TestServer(app)
    await server.start_server()
    sb.webhook_url = str(server.make_url("/webhook"))
    return Stack(sb, server, clock)


@asynccontextmanager
async def running(
    sb: Sandbox, clock: Clock, tmp_path: Path, **options: Any
) -> AsyncIterator[Stack]:
    """``start_stack`` as a context: the server is closed however the block ends."""
    started = await start_stack(sb, clock, tmp_path, **options)
    try:
        yield started
    finally:
        await started.server.close()


@pytest.fixture
async def stack(sandbox: Sandbox, clock: Clock, tmp_path: Path) -> AsyncIterator[Stack]:
    """Warden with its real router, talking to the sandbox (SQLite in a temporary folder)."""
    running = await start_stack(sandbox, clock, tmp_path)
    try:
        yield running
    finally:
        await running.server.close()
