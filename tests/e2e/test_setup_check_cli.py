"""`python -m app check ORG`: the installation check now, printed for the operator."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app import cli
from app.platform.clock import Clock
from sandbox import Sandbox
from tests.e2e.test_tick import cli_environment
from tests.flows.test_setup_check import ORG, seed_broken, setup_issues
from tests.harness import running


async def test_check_prints_each_missing_thing_then_all_checks_pass(
    sandbox: Sandbox,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed_broken(sandbox)
    async with running(sandbox, clock, tmp_path):
        sandbox.install(ORG)  # no webhook: only the command checks
    cli_environment(monkeypatch, sandbox, tmp_path)

    assert await asyncio.to_thread(cli.main, ["check", ORG]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "python: 4 things to fix (listed in the warden/setup issue):"
    assert "  - The member team `psrt` does not exist in python." in out
    assert any(line.startswith("    fix: Create it (organisation → Teams") for line in out)
    [issue] = setup_issues(sandbox)

    sandbox.add_team(ORG, "psrt", maintainers=["alice", "bob"])
    sandbox.add_team(ORG, "security-admins", members=["alice"])
    sandbox.repo(ORG, "psrt-governance").private = True
    sandbox.add_repo(ORG, "devguide")
    assert await asyncio.to_thread(cli.main, ["check", ORG]) == 0
    assert capsys.readouterr().out.splitlines() == ["python: all checks pass"]
    assert issue.state == "closed"


async def test_check_of_an_org_without_the_app_says_so(
    sandbox: Sandbox,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    async with running(sandbox, clock, tmp_path):
        pass  # creates the database, as `serve` would
    cli_environment(monkeypatch, sandbox, tmp_path)
    assert await asyncio.to_thread(cli.main, ["check", "nowhere"]) == 1
    assert capsys.readouterr().err.strip() == (
        "warden: the app is not installed on nowhere; install it from the app's page first."
    )
