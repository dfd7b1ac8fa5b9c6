"""Named periodic jobs, run by one leader process, each on its own cadence."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from app.context import Context

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    """A scheduled job: what it is called, how often it runs, what it does."""

    name: str
    every: float
    run: Callable[[Context], Awaitable[object]]
    description: str
    at_start: bool = False


class Scheduler:
    """Looks for due jobs every tick; only the leader runs them."""

    def __init__(self, ctx: Context, jobs: Sequence[Job], tick_seconds: float) -> None:
        self.ctx = ctx
        self.jobs = {job.name: job for job in jobs}
        self.tick_seconds = tick_seconds
        self.is_leader = False

    async def run_forever(self) -> None:
        while True:
            try:
                self.is_leader = await self.ctx.store.try_lead()
                if self.is_leader:
                    await self.run_due()
            except Exception:
                log.exception("scheduler tick failed; trying again next tick")
            await asyncio.sleep(self.tick_seconds)

    async def run_due(self) -> list[str]:
        """Run every job that is due now; return their names."""
        ran = []
        for job in self.jobs.values():
            now = self.ctx.clock.time()
            await self.ctx.store.ensure_job(job.name, now if job.at_start else now + job.every)
            state = await self.ctx.store.job_state(job.name)
            if state is not None and state.next_due_at <= now:
                await self.run_job(job.name)
                ran.append(job.name)
        return ran

    async def run_job(self, name: str) -> bool:
        """Run one job now, whether due or not; True when it succeeded."""
        job = self.jobs[name]
        started = self.ctx.clock.time()
        await self.ctx.store.ensure_job(name, started)
        error: str | None = None
        try:
            await job.run(self.ctx)
        except Exception as exc:
            log.exception("job %s failed", name)
            error = f"{type(exc).__name__}: {exc}"
        finished = self.ctx.clock.time()
        await self.ctx.store.record_job_run(name, started, finished, started + job.every, error)
        self.ctx.metrics.jobs.labels(job=name, outcome="failed" if error else "ok").inc()
        return error is None
