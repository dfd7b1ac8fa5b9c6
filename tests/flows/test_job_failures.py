"""A job run with failures says so: `tick` exits non-zero naming the installation and why,
jobs.last_error is set, and /metrics counts the run as an error (or partial)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app import cli
from app.platform.clock import Clock
from sandbox import Sandbox
from tests.advisory_world import report
from tests.advisory_world import seed as seed_advisories
from tests.e2e.test_tick import cli_environment
from tests.harness import Stack, running
from tests.nomination_world import nominate, seed, sweep

REACTIONS = r"/comments/\d+/reactions"


def job_metric(stack: Stack, job: str, outcome: str) -> float:
    value = stack.ctx.metrics.registry.get_sample_value(
        "warden_jobs_total", {"job": job, "outcome": outcome}
    )
    return value or 0.0


async def test_a_votes_sweep_whose_reactions_read_fails_is_recorded_as_failed(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        await nominate(stack)
        sandbox.faults.add("GET", REACTIONS, status=500, times=20)

        run = await stack.scheduler.run_job("votes")

        assert not run
        assert run.outcome == "error"
        where = f"python (installation {installation_id}): GitHub answered 500"
        assert where in (run.error or "")
        state = await stack.ctx.store.job_state("votes")
        assert state is not None and where in (state.last_error or "")
        assert job_metric(stack, "votes", "error") == 1.0
        assert job_metric(stack, "votes", "ok") == 0.0
        sandbox.faults.clear()
        await sweep(stack)  # the next run succeeds and clears the error
        state = await stack.ctx.store.job_state("votes")
        assert state is not None and state.last_error is None


async def test_a_secondary_rate_limit_in_one_installation_fails_the_advisory_sweep(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed_advisories(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        await report(stack)
        sandbox.faults.secondary_limit("GET", r"/security-advisories", times=5, retry_after=3600)

        run = await stack.scheduler.run_job("advisories")

        assert run.outcome == "error"
        assert f"python (installation {installation_id}): GitHub answered 403" in (run.error or "")
        assert job_metric(stack, "advisories", "error") == 1.0


async def test_tick_exits_non_zero_and_says_which_installation_failed_and_why(
    sandbox: Sandbox,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        await nominate(stack)
    sandbox.faults.add("GET", REACTIONS, status=500, times=20)
    cli_environment(monkeypatch, sandbox, tmp_path)

    code = await asyncio.to_thread(cli.main, ["tick", "votes"])

    assert code == 1
    err = capsys.readouterr().err
    assert "warden: job votes: error: 1 failed, 0 done: vote python/psrt-governance#1 of " in err
    assert f"python (installation {installation_id}): GitHub answered 500" in err
