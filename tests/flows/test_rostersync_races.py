"""Roster sync under real-life timing: two replicas at once, and a crash between a write
and the record of it. Each write happens once; no alert is lost or doubled."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from app.features.roster import apply
from app.platform.clock import Clock
from sandbox import Sandbox
from tests.harness import Stack, running, start_stack
from tests.roster_world import (
    EMERITUS,
    ORG,
    PUBLIC,
    alerts,
    config_text,
    file_text,
    install,
    logins_in,
    open_pulls,
    roster_commits,
    seed,
    settled,
)

DAY = 86400.0


@pytest.fixture(params=["commit", "pull_request"])
async def replicas(
    request: pytest.FixtureRequest,
    sandbox: Sandbox,
    clock: Clock,
    tmp_path: Path,
    pg_schema_url: str,
) -> AsyncIterator[tuple[Stack, Stack]]:
    """(webhook replica, scheduling replica) on one PostgreSQL database."""
    seed(sandbox, config_text(via=request.param))
    other = await start_stack(sandbox, clock, tmp_path / "b", database_url=pg_schema_url)
    async with running(sandbox, clock, tmp_path / "a", database_url=pg_schema_url) as receiver:
        yield receiver, other
        await other.server.close()


@pytest.mark.slow
async def test_membership_webhook_and_scheduled_reconcile_on_two_replicas_alert_once(
    sandbox: Sandbox, clock: Clock, replicas: tuple[Stack, Stack]
) -> None:
    receiver, scheduler = replicas
    await install(receiver)
    clock.advance(DAY)  # the other replica's reconcile is due
    # Whoever opens the alert first takes a while: the other must not open a second one.
    sandbox.faults.latency(0.3, "POST", r"/psrt-governance/issues$", times=2)
    await asyncio.gather(
        sandbox.add_team_member(ORG, "psrt", "mallory", sender="alice"),
        scheduler.scheduler.run_job("roster"),
    )
    await settled(receiver)
    [alert] = alerts(sandbox)
    assert "@alice added them" in (alert.body or "")  # the webhook names her, whoever ran first
    if open_pulls(sandbox):  # via: pull_request
        assert len(sandbox.repo(ORG, "devguide").pulls) == 1
        assert roster_commits(sandbox, "warden/roster") == 1
        assert "mallory" in logins_in(file_text(sandbox, PUBLIC, "warden/roster"))
    else:
        assert roster_commits(sandbox) == 1  # mallory listed once, by one replica
        assert "mallory" in logins_in(file_text(sandbox, PUBLIC))


async def test_alert_lost_to_a_failed_post_is_raised_when_the_delivery_runs_again(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    """GitHub fails the alert's creation (a 502 on a POST is not retried: it may have been
    applied): the next run opens it. Warden must not count the newcomer as reported first."""
    seed(sandbox, config_text())
    async with running(sandbox, clock, tmp_path) as stack:
        await install(stack)
        sandbox.faults.add("POST", r"/psrt-governance/issues$", status=502)
        await sandbox.add_team_member(ORG, "psrt", "mallory", sender="alice")
        await stack.idle()
        clock.advance(3600)  # the retry's backoff
        await stack.scheduler.run_job("roster")
        await stack.idle()
        [alert] = alerts(sandbox)
        assert "@mallory" in alert.title


async def test_crash_after_the_commit_before_the_record_writes_nothing_more(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox, config_text())
    async with running(sandbox, clock, tmp_path) as stack:
        await install(stack)
        sandbox.faults.drop_after("PUT", r"/contents/security/psrt.csv$")  # the last write
        await sandbox.remove_team_member(ORG, "psrt", "dave", sender="alice")
        await settled(stack)
        assert roster_commits(sandbox) == 2  # emeritus list, then public list: once each
        assert "dave" in logins_in(file_text(sandbox, EMERITUS))
        clock.advance(DAY)
        assert await stack.scheduler.run_job("roster")
        assert roster_commits(sandbox) == 2


@pytest.mark.parametrize("step", ["POST /pulls$", "POST /issues/\\d+/comments$"])
async def test_crash_after_the_pull_request_write_before_the_record_writes_nothing_more(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, step: str
) -> None:
    """GitHub applies the pull request's creation (or the update's comment) and the answer
    is lost: running again finds it, and neither opens another nor comments again."""
    seed(sandbox, config_text(via="pull_request"))
    async with running(sandbox, clock, tmp_path) as stack:
        await install(stack)
        if "comments" in step:  # the pull request exists; a second change updates it
            await sandbox.remove_team_member(ORG, "psrt", "erin", sender="alice")
            await settled(stack)
        method, path = step.split(" ")
        sandbox.faults.drop_after(method, "/devguide" + path)
        await sandbox.remove_team_member(ORG, "psrt", "dave", sender="alice")
        await stack.idle()
        assert sandbox.faults.pending == []  # the crash happened
        writes = repo_writes(sandbox)
        for _ in range(2):
            clock.advance(DAY)
            assert await stack.scheduler.run_job("roster")
            await stack.idle()
        assert repo_writes(sandbox) == writes
        assert len(sandbox.repo(ORG, "devguide").pulls) == 1
        assert "dave" in logins_in(file_text(sandbox, EMERITUS, "warden/roster"))


def repo_writes(sb: Sandbox) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in sb.requests if r.method != "GET" and "/repos/" in r.path]


async def test_crash_between_the_two_list_commits_loses_nobody(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`via: commit` writes each file in its own commit. Warden dies after the first: the next
    run still moves dave to the emeritus list, with the day he left."""
    seed(sandbox, config_text())
    async with running(sandbox, clock, tmp_path) as stack:
        await install(stack)
        real_put = apply.put_file

        async def put_then_die(*args: Any, **kwargs: Any) -> None:
            await real_put(*args, **kwargs)
            raise RuntimeError("Warden dies here")

        monkeypatch.setattr(apply, "put_file", put_then_die)
        url, sandbox.webhook_url = sandbox.webhook_url, None  # the reconcile finds it
        await sandbox.remove_team_member(ORG, "psrt", "dave", sender="alice")
        sandbox.webhook_url = url
        clock.advance(DAY)
        left = f"Dave Diaz,dave,Left {clock.now().date().isoformat()}"  # the day it was seen
        await stack.scheduler.run_job("roster")  # logs the death, as a restart would
        monkeypatch.undo()
        assert roster_commits(sandbox) == 1
        clock.advance(DAY)
        assert await stack.scheduler.run_job("roster")
        assert "dave" not in logins_in(file_text(sandbox, PUBLIC))
        assert left in file_text(sandbox, EMERITUS).splitlines()
        assert roster_commits(sandbox) == 2
