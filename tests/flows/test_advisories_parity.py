"""Parity with psrt-ghsa-bot's remaining rules: a draft whose private fork was deleted gets a
new one; with no `exclude_teams` written, the teams PEP 811 exempts are never given a
coordination (where they exist; where they do not, the config is still valid)."""

from __future__ import annotations

from pathlib import Path

from app.platform.clock import Clock
from sandbox import Sandbox
from tests.advisory_world import CPY, DAY, ORG, advisory, report, seed, sweep, writes
from tests.harness import running

PLAIN = "team: psrt\ngovernance_repo: psrt-governance\n"


async def test_a_deleted_private_fork_is_created_again(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack, "[ACCEPT] tarfile: path traversal")
        first = advisory(sandbox, ghsa).private_fork
        assert first is not None
        await sweep(stack, installation_id)
        sandbox.delete_repo(*first.split("/"))
        await sweep(stack, installation_id)
        await sweep(stack, installation_id)
        forks = [w for w in writes(sandbox) if w.endswith(f"{ghsa}/forks")]
        assert len(forks) == 2 and advisory(sandbox, ghsa).private_fork == first


async def test_release_managers_and_the_steering_council_are_excluded_by_default(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox, PLAIN)  # dave is a release manager
    sandbox.add_team(ORG, "steering-council", members=["carol"])
    async with running(sandbox, clock, tmp_path) as stack:
        chosen = []
        for n in range(4):
            ghsa = await report(stack, summary=f"bug {n}")
            clock.advance(3 * DAY + 60)
            await sweep(stack, installation_id)
            chosen += [
                who for who, kind in advisory(sandbox, ghsa).credits if kind == "coordinator"
            ]
        assert chosen == ["alice", "bob", "alice", "bob"]  # never dave, never carol
        errors = [i for i in sandbox.repo(ORG, ".github").issues.values() if i.state == "open"]
        assert errors == []  # the default names teams, and no error issue says they are missing


async def test_without_those_teams_the_default_excludes_no_one_and_is_no_error(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox, PLAIN)
    sandbox.core.world.org(ORG).teams.pop("release-managers")
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack)
        clock.advance(3 * DAY + 60)
        await sweep(stack, installation_id)
        assert [w for w, k in advisory(sandbox, ghsa, CPY).credits if k == "coordinator"]
        assert [i for i in sandbox.repo(ORG, ".github").issues.values()] == []


async def test_a_governance_repository_made_public_alerts_the_admins_once(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await report(stack, "tarfile: path traversal")
        sandbox.repo(ORG, "psrt-governance").private = False
        for _ in range(3):
            await sweep(stack, installation_id)
        alerts = [
            i
            for i in sandbox.repo(ORG, ".github").issues.values()
            if "warden:tracking-issues-public" in (i.body or "")
        ]
        assert len(alerts) == 1 and alerts[0].state == "open"
        body = alerts[0].body or ""
        assert body.splitlines()[1].startswith("@alice: `python/psrt-governance` is public")
        assert "the 1 advisory tracking issue Warden opened" in body
        assert ghsa not in body and "tarfile" not in body  # names no advisory
        edits = [w for w in writes(sandbox) if w.startswith("PATCH /repos/python/.github/issues")]
        assert edits == []
