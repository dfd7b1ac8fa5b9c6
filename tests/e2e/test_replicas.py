"""Two Warden replicas on one PostgreSQL database, one GitHub: an advisory's intake (a webhook
on one replica) racing the sweep (on the other), or two vote sweeps admitting one nominee, do
every write once: they take turns through the store's named lock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.features.votes.lifecycle import sweep_votes
from app.platform.clock import Clock
from app.scheduler import JobFailed
from sandbox import Sandbox
from tests.advisory_world import (
    CPY,
    DAY,
    ORG,
    advisory,
    comments,
    seed,
    settled,
    sweep,
    tracking_issue,
    tracking_issues,
)
from tests.harness import Stack, running, start_stack
from tests.nomination_world import GOV, nominate, react, stored
from tests.nomination_world import seed as seed_nominations

pytestmark = pytest.mark.slow


@pytest.fixture
async def replicas(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, pg_schema_url: str
) -> AsyncIterator[tuple[Stack, Stack]]:
    """(webhook replica, sweeping replica): GitHub sends its webhooks to the first."""
    sweeper = await start_stack(sandbox, clock, tmp_path / "b", database_url=pg_schema_url)
    async with running(sandbox, clock, tmp_path / "a", database_url=pg_schema_url) as receiver:
        yield receiver, sweeper
        await sweeper.server.close()


def advisory_writes(sb: Sandbox, ghsa: str, what: str = "") -> int:
    return sb.count(
        "POST" if what else "PATCH", f"/repos/{ORG}/{CPY}/security-advisories/{ghsa}{what}"
    )


async def test_intake_on_one_replica_and_the_sweep_on_another_write_once(
    sandbox: Sandbox, clock: Clock, replicas: tuple[Stack, Stack]
) -> None:
    receiver, sweeper = replicas
    installation_id = seed(sandbox)
    reported = clock.time()
    # Whoever writes first holds the advisory a while: the other replica must wait for it.
    sandbox.faults.latency(0.3, "PATCH", r"/security-advisories/GHSA-")
    summary = "[ACCEPT] tarfile: path traversal"
    ghsa, _ = await asyncio.gather(
        sandbox.report_advisory(ORG, CPY, "mallory", summary, description="SECRET-DETAILS"),
        sweep(sweeper, installation_id),  # lists the report the webhook is about
    )
    await settled(receiver)
    assert len(tracking_issues(sandbox)) == 1
    assert advisory_writes(sandbox, ghsa) == 1  # team, reporter credit and draft: one PATCH
    assert advisory_writes(sandbox, ghsa, "/forks") == 1
    assert advisory_writes(sandbox, ghsa, "/cve") == 1
    adv = advisory(sandbox, ghsa)
    assert (adv.state, adv.collaborating_teams) == ("draft", ["psrt"])

    clock.advance(reported + 76.01 * DAY - clock.time())  # a coordinator and a reminder due
    await asyncio.gather(sweep(receiver, installation_id), sweep(sweeper, installation_id))
    said = [c.split("\n", 1)[0] for c in comments(sandbox, tracking_issue(sandbox, ghsa))]
    assert [line.split()[1] for line in said] == ["warden:coordinator", "warden:reminder"]


async def test_two_replicas_finishing_one_admission_add_and_onboard_once(
    sandbox: Sandbox, replicas: tuple[Stack, Stack]
) -> None:
    receiver, sweeper = replicas
    installation_id = seed_nominations(sandbox)
    number = await nominate(receiver)
    react(sandbox, number, alice="+1", bob="+1", carol="+1", dave="+1", erin="+1")
    sandbox.faults.add("PUT", r"/memberships/grace$", status=422)  # admission fails half-way
    with pytest.raises(JobFailed):  # the sweep says which vote failed, after the others
        await sweep_votes(receiver.ctx)
    assert (await stored(receiver, installation_id, number)).state == "passed"
    sandbox.faults.latency(0.3, "PUT", r"/memberships/grace$")
    await asyncio.gather(sweep_votes(receiver.ctx), sweep_votes(sweeper.ctx))
    assert sandbox.count("PUT", f"/orgs/{ORG}/teams/psrt/memberships/grace") == 2  # 422, then 1
    issues = sandbox.repo(ORG, GOV).issues.values()
    assert [i.title for i in issues if i.title.startswith("Onboarding")] == ["Onboarding @grace"]
    assert (await stored(sweeper, installation_id, number)).onboarding_issue is not None


async def test_coordinate_on_one_replica_racing_the_assignment_on_another_agree(
    sandbox: Sandbox, clock: Clock, replicas: tuple[Stack, Stack]
) -> None:
    receiver, sweeper = replicas
    installation_id = seed(sandbox)
    ghsa = await sandbox.report_advisory(ORG, CPY, "mallory", "tarfile: path traversal")
    await settled(receiver)
    issue = tracking_issue(sandbox, ghsa)
    clock.advance(3 * DAY)
    sandbox.faults.latency(0.3, "PATCH", r"/security-advisories/GHSA-")
    await asyncio.gather(
        sandbox.comment(ORG, "psrt-governance", issue.number, "bob", "/coordinate"),
        sweep(sweeper, installation_id),
    )
    await settled(receiver)
    (login,) = [who for who, kind in advisory(sandbox, ghsa).credits if kind == "coordinator"]
    assert f"| Coordinator | `@{login}` |" in (issue.body or "")
    told = [c for c in comments(sandbox, issue) if "now the coordinator" in c]
    assert len(told) == 1 and f"@{login}" in told[0]
