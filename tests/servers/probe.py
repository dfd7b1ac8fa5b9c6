"""A Warden server whose handler is slow and whose side effects are counted in files.

Run as ``python -m tests.servers.probe``; settings come from the environment
(``DATABASE_URL``, ``PORT``...) plus ``PROBE_SINK`` (a file each handled
delivery id is appended to), ``PROBE_DELAY`` (seconds the handler sleeps) and
``PROBE_JOBS`` (a file the scheduled probe job appends this process id to).
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from aiohttp import web
from gidgethub import routing, sansio

from app.context import Context
from app.feature import Feature, Wiring
from app.platform.logs import configure_logging
from app.platform.settings import load_settings
from app.scheduler import Job
from app.server import create_app


def _append(path: str, line: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


def main() -> None:
    settings = load_settings(dotenv=None)
    configure_logging("warning", "text")
    sink, delay = os.environ["PROBE_SINK"], float(os.environ.get("PROBE_DELAY", "0"))
    router = routing.Router()

    async def handle(event: sansio.Event, gh: Any, *args: Any, **kwargs: Any) -> None:
        await asyncio.sleep(delay)
        _append(sink, event.delivery_id)

    router.add(handle, "issues")

    async def probe_job(ctx: Context) -> None:
        _append(os.environ["PROBE_JOBS"], str(os.getpid()))

    jobs = [Job("probe", every=0.2, run=probe_job, description="test probe", at_start=True)]
    app = create_app(settings, wiring=Wiring.of(Feature("test", router=router, jobs=jobs)))
    web.run_app(app, host=settings.host, port=settings.port, print=None)


if __name__ == "__main__":
    main()
