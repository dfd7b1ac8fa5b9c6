"""Named periodic jobs, run by one leader process, each on its own cadence."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta

from app.context import Context
from app.github.client import describe_error
from app.org import Installation, each_installation
from app.platform.errors import WardenError

log = logging.getLogger(__name__)

#: Whether the job running now was asked for by name (``tick JOB``) rather than found due.
_FORCED: ContextVar[bool] = ContextVar("warden_job_forced", default=True)
#: A scheduled run this much early still counts as on time (the scheduler ticks each minute).
CADENCE_SLACK = 30.0


class JobFailed(WardenError):
    """Some of a job's subjects (installations, votes) failed; the message names each and
    why. Raised after the others were done."""

    def __init__(self, failures: Sequence[str], succeeded: int) -> None:
        self.failures = list(failures)
        self.succeeded = succeeded
        super().__init__(
            f"{len(self.failures)} failed, {succeeded} done: " + "; ".join(self.failures)
        )


class Failures:
    """A job's failures, one subject at a time: a broken installation does not stop the
    others, and the run still ends failed, naming it."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.succeeded = 0

    @contextmanager
    def each(self, subject: str, *, counted: bool = True) -> Iterator[None]:
        """``with failures.each("acme (installation 7)"):`` one subject's work. A step
        that only leads to the subjects (reading whether they are due) is not ``counted``
        as one done; its failure is named all the same."""
        try:
            yield
        except Exception as exc:
            log.warning("%s failed: %s", subject, describe_error(exc), exc_info=exc)
            self.failures.append(f"{subject}: {describe_error(exc)[:300]}")
        else:
            self.succeeded += counted

    def raise_if_any(self) -> None:
        if self.failures:
            raise JobFailed(self.failures, self.succeeded)


async def org_due(ctx: Context, installation_id: int, job: str, cadence: timedelta) -> bool:
    """Whether ``job`` should do an organisation's part now: always when the job was asked
    for by name (``tick JOB``), else once its ``schedule`` cadence has passed since the last
    time. Record the run with ``ctx.store.record_org_run``."""
    if _FORCED.get():
        return True
    last = await ctx.store.org_ran_at(installation_id, job)
    return last is None or ctx.clock.time() - last >= cadence.total_seconds() - CADENCE_SLACK


async def over_installations(
    ctx: Context, what: str, step: Callable[[Installation], Awaitable[int]]
) -> int:
    """Run a job's ``step`` for every installation and return the sum of what it returns.
    One failing installation never stops the others, and the run still fails, naming it as
    ``{what} of ORG (installation N)``."""
    total = 0
    failures = Failures()
    async for inst in each_installation(ctx):
        with failures.each(f"{what} of {inst.login} (installation {inst.id})"):
            total += await step(inst)
    failures.raise_if_any()
    return total


@dataclass(frozen=True)
class JobRun:
    """How one run of a job ended: ``ok``, ``partial`` (some subjects failed) or ``error``."""

    name: str
    outcome: str
    error: str | None = None

    def __bool__(self) -> bool:
        return self.outcome == "ok"


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
        return [run.name for run in await self.run_due_jobs()]

    async def run_due_jobs(self) -> list[JobRun]:
        """Run every job that is due now; return how each ended."""
        ran = []
        for job in self.jobs.values():
            now = self.ctx.clock.time()
            await self.ctx.store.ensure_job(job.name, now if job.at_start else now + job.every)
            state = await self.ctx.store.job_state(job.name)
            if state is not None and state.next_due_at <= now:
                found_due = _FORCED.set(False)  # each organisation on its own cadence
                try:
                    ran.append(await self.run_job(job.name))
                finally:
                    _FORCED.reset(found_due)
        return ran

    async def run_job(self, name: str) -> JobRun:
        """Run one job now, whether due or not; its outcome is recorded and counted. Asked
        for by name, the votes and inactivity jobs do every organisation's part, whatever
        its ``schedule`` cadence (``org_due``)."""
        job = self.jobs[name]
        started = self.ctx.clock.time()
        await self.ctx.store.ensure_job(name, started)
        try:
            await job.run(self.ctx)
        except JobFailed as exc:
            log.error("job %s: %s", name, exc)
            run = JobRun(name, "partial" if exc.succeeded else "error", str(exc))
        except Exception as exc:
            log.exception("job %s failed", name)
            run = JobRun(name, "error", describe_error(exc))
        else:
            run = JobRun(name, "ok")
        finished = self.ctx.clock.time()
        await self.ctx.store.record_job_run(name, started, finished, started + job.every, run.error)
        self.ctx.metrics.jobs.labels(job=name, outcome=run.outcome).inc()
        return run
