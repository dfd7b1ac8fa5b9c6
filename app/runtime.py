"""Opens and closes what the server and the CLI share: store, HTTP session, GitHub app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp

from app.context import Context
from app.feature import Wiring
from app.github.client import GitHubApp
from app.platform.clock import SYSTEM_CLOCK, Clock
from app.platform.metrics import Metrics
from app.platform.settings import Settings
from app.store import Store, open_store


@asynccontextmanager
async def open_runtime(
    settings: Settings,
    wiring: Wiring,
    *,
    clock: Clock = SYSTEM_CLOCK,
    metrics: Metrics | None = None,
    max_inline_wait: float = 10.0,
) -> AsyncIterator[Context]:
    """A ready ``Context``; everything it opened is closed on exit."""
    metrics = metrics or Metrics()
    store: Store = open_store(settings.database_url)
    store.intake_observer = metrics.observe_intake
    await store.open()
    timeout = aiohttp.ClientTimeout(total=30, connect=10)
    session = aiohttp.ClientSession(timeout=timeout)
    try:
        github = build_github(settings, session, metrics, clock, max_inline_wait)
        yield Context(settings, store, clock, metrics, github, wiring)
    finally:
        await session.close()
        await store.close()


def build_github(
    settings: Settings,
    session: aiohttp.ClientSession,
    metrics: Metrics,
    clock: Clock,
    max_inline_wait: float = 10.0,
) -> GitHubApp | None:
    """The app's client, or ``None`` in setup mode (no app id or key yet)."""
    if settings.app_id is None or settings.private_key is None:
        return None
    return GitHubApp(
        session,
        app_id=settings.app_id,
        private_key=settings.private_key.reveal(),
        base_url=settings.api_url,
        metrics=metrics,
        clock=clock,
        max_inline_wait=max_inline_wait,
    )
