"""`tick` builds Warden from the same wiring table as `serve`: a job run from the command line
does everything the server's run of it would."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app import cli
from app.features.orgconfig import CONFIG_PATH
from app.platform.clock import Clock
from app.wiring import WIRING
from sandbox import Sandbox
from tests.harness import running
from tests.roster_world import ORG, PUBLIC, config_text, file_text, install, seed


def cli_environment(monkeypatch: pytest.MonkeyPatch, sandbox: Sandbox, tmp_path: Path) -> None:
    """The environment an operator's `python -m app tick` would run with, next to the server."""
    monkeypatch.chdir(tmp_path)  # no stray .env file is read
    monkeypatch.setenv("GITHUB_APP_ID", str(sandbox.app_id))
    monkeypatch.setenv("GITHUB_PRIVATE_KEY", sandbox.private_key_pem)
    monkeypatch.setenv("GITHUB_WEBHOOK_SECRET", sandbox.webhook_secret)
    monkeypatch.setenv("GITHUB_API_URL", sandbox.url)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'warden.sqlite3'}")


async def test_tick_reload_configs_runs_the_config_hooks_the_server_runs(
    sandbox: Sandbox,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        await install(stack)
        sandbox.webhook_url = None  # the push is missed: only the hourly reload can see it
        renamed = config_text().replace("Release Manager", "RM")
        await sandbox.push(ORG, ".github", "main", {CONFIG_PATH: renamed}, sender="alice")
    assert "Carol Chen,carol,Release Manager" in file_text(sandbox, PUBLIC).splitlines()

    cli_environment(monkeypatch, sandbox, tmp_path)
    code = await asyncio.to_thread(cli.main, ["tick", "reload-configs"])

    assert code == 0
    assert capsys.readouterr().out.splitlines()[-1] == "reload-configs: done"  # not silent
    # The roster's config hook ran in this process: the public list follows the new notes.
    assert "Carol Chen,carol,RM" in file_text(sandbox, PUBLIC).splitlines()


def test_every_process_gets_the_hooks_of_every_feature_that_has_one() -> None:
    hooks = {hook.__module__ for hook in WIRING.config_hooks}
    assert hooks == {"app.features.advisories.tracking", "app.features.roster.events"}
