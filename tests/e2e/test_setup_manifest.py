"""The manifest flow end to end: the setup form, GitHub's pages (the sandbox), the code
exchanged, `.env` written, and Warden receiving the new app's first signed webhook without
a restart."""

from __future__ import annotations

import html
import logging
import re
import socket
import stat
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from app.features.setup.web import SETUP
from app.platform.clock import Clock
from app.platform.settings import Secret, Settings, load_settings
from app.server import RUNNING, create_app
from sandbox import Sandbox
from sandbox.webhooks import sign

WARDEN_YML = (
    "team: psrt\ngovernance_repo: psrt-governance\n"
    "roster: {repo: devguide, path: security/psrt.csv}\n"
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def seed_org(sb: Sandbox) -> None:
    """An organisation with everything Warden needs (the app is not installed yet)."""
    for login in ("alice", "bob", "carol"):
        sb.add_user(login)
    sb.add_org("python", admins=["alice"])
    sb.add_team("python", "psrt", members=["carol"], maintainers=["alice", "bob"])
    sb.add_repo("python", "psrt-governance", private=True, files={"README.md": "PSRT\n"})
    sb.add_repo("python", ".github", files={".github/warden.yml": WARDEN_YML})
    sb.add_repo("python", "devguide", files={"security/psrt.csv": "Name,GitHub username,Notes\n"})


@asynccontextmanager
async def setup_mode_warden(
    sb: Sandbox, clock: Clock, tmp_path: Path, setup_key: str | None = None
) -> AsyncIterator[tuple[TestServer, str]]:
    """Warden with no app yet (setup mode), reachable at its PUBLIC_URL."""
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    settings = Settings(
        api_url=sb.url,
        web_url=sb.web_url,
        database_url=f"sqlite:///{tmp_path / 'warden.sqlite3'}",
        public_url=public,
        env_file=str(tmp_path / ".env"),
        tick_seconds=3600.0,
        setup_key=Secret(setup_key) if setup_key else None,
    )
    server = TestServer(create_app(settings, clock=clock, run_scheduler=False), port=port)
    await server.start_server()
    try:
        yield server, public
    finally:
        await server.close()


def hidden_form(page: str) -> tuple[str, str]:
    """The hand-off page's form: where it posts, and the manifest it carries."""
    action = re.search(r'<form id=manifest method=post action="([^"]+)"', page)
    manifest = re.search(r'name=manifest value="([^"]+)"', page)
    assert action and manifest, page
    return html.unescape(action.group(1)), html.unescape(manifest.group(1))


FORM = {"account": "org", "org": "python", "name": "Warden PSRT"}


async def register(http: aiohttp.ClientSession, public: str, key: str = "") -> tuple[str, str]:
    """Fill in the form (with the setup ``key`` when it asks for one) and confirm on GitHub;
    return GitHub's redirect and the action URL."""
    async with http.get(f"{public}/setup") as page:
        text = await page.text()
        assert page.status == 200 and "Continue to GitHub" in text
    assert ("name=key" in text) is bool(key)
    form = {**FORM, "key": key} if key else FORM
    async with http.post(f"{public}/setup", data=form) as handed:
        action, manifest = hidden_form(await handed.text())
    async with http.post(action, data={"manifest": manifest}, allow_redirects=False) as github:
        assert github.status == 302, await github.text()
        return github.headers["Location"], action


async def test_manifest_flow_from_the_form_to_a_first_signed_webhook_accepted(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    seed_org(sandbox)
    old_secret = sandbox.webhook_secret
    async with (
        setup_mode_warden(sandbox, clock, tmp_path) as (server, public),
        aiohttp.ClientSession() as http,
    ):
        async with http.post(f"{public}/webhook", data=b"{}") as early:
            assert early.status == 404  # setup mode: no webhooks yet
        callback, action = await register(http, public)
        assert action.startswith(f"{sandbox.web_url}/organizations/python/settings/apps/new?state=")
        assert callback.startswith(f"{public}/setup/callback?code=")
        async with http.get(callback) as done:
            page = await done.text()
        assert done.status == 200 and "Warden is registered" in page
        install = f"{sandbox.web_url}/apps/{sandbox.app_slug}/installations/new"
        assert f'href="{install}"' in page

        env = tmp_path / ".env"
        assert stat.S_IMODE(env.stat().st_mode) == 0o600
        written = load_settings(environ={}, dotenv=env)
        assert written.app_id == str(sandbox.app_id)
        assert written.private_key is not None
        assert written.private_key.reveal().strip() == sandbox.private_key_pem.strip()
        new_secret = sandbox.webhook_secret
        assert new_secret != old_secret and written.webhook_secrets() == [new_secret]

        async with http.post(install, data={"account": "python"}, allow_redirects=False) as ok:
            assert ok.headers["Location"].startswith(f"{public}/setup?installation_id=")
        await sandbox.settle()
        [first] = sandbox.deliveries
        assert (first.event, first.action, first.status_code) == ("installation", "created", 202)
        assert (
            first.headers["X-Hub-Signature-256"]
            == sign(new_secret, first.body)["X-Hub-Signature-256"]
        )
        running = server.app[RUNNING]
        assert running.ctx is not None and running.ctx.settings.app_id == str(sandbox.app_id)
        async with http.get(f"{public}/setup") as after:
            assert "Warden is configured" in await after.text()
    logged = caplog.text
    assert new_secret not in logged and "PRIVATE KEY" not in logged
    assert "GitHub App 4242 (warden) registered" in logged


async def test_a_callback_whose_state_does_not_match_is_refused(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed_org(sandbox)
    async with (
        setup_mode_warden(sandbox, clock, tmp_path) as (_server, public),
        aiohttp.ClientSession() as http,
    ):
        callback, _ = await register(http, public)
        forged = re.sub(r"state=[^&]+", "state=forged", callback)
        async with http.get(forged) as refused:
            assert refused.status == 400
            assert "does not match a registration started on this page" in await refused.text()
        assert sandbox.count("POST", "/app-manifests") == 0
        assert not (tmp_path / ".env").exists()
        async with http.post(f"{public}/webhook", data=b"{}") as still:
            assert still.status == 404
        async with http.get(callback) as genuine:  # the real answer still works, once
            assert genuine.status == 200
        async with http.get(callback) as again:
            assert again.status == 409  # already configured: the page says so


async def test_with_a_setup_key_only_who_knows_it_can_register_the_app(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    seed_org(sandbox)
    key = "k3y-0f-th3-0p3rat0r"
    async with (
        setup_mode_warden(sandbox, clock, tmp_path, setup_key=key) as (server, public),
        aiohttp.ClientSession() as http,
    ):
        for form in (FORM, {**FORM, "key": "guess"}):
            async with http.post(f"{public}/setup", data=form) as refused:
                text = html.unescape(await refused.text())
                assert refused.status == 403 and "not this Warden's setup key" in text
                assert key not in text and "Continue to GitHub" in text  # the form, again
        assert server.app[SETUP].pending == {}  # no registration was started

        callback, _ = await register(http, public, key)
        async with http.get(callback) as done:
            assert done.status == 200 and "Warden is registered" in await done.text()
        assert load_settings(environ={}, dotenv=tmp_path / ".env").app_id == str(sandbox.app_id)
        async with http.get(f"{public}/setup") as after:  # registered: nothing left to guard
            assert "Warden is configured" in await after.text()
    assert key not in caplog.text
    assert "setup refused: the form did not carry WARDEN_SETUP_KEY" in caplog.text


def test_the_setup_key_is_read_from_the_environment_and_never_shown() -> None:
    settings = load_settings(environ={"WARDEN_SETUP_KEY": "hush"}, dotenv=None)
    assert settings.setup_key is not None and settings.setup_key.reveal() == "hush"
    assert "hush" not in repr(settings)
    assert load_settings(environ={}, dotenv=None).setup_key is None


def test_the_start_up_line_says_the_setup_form_asks_for_the_key_without_showing_it() -> None:
    from app.startup import StartupFacts

    facts = StartupFacts("http://127.0.0.1:3000", True, "SQLite", (), (), setup_keyed=True)
    assert "open http://127.0.0.1:3000/setup to register one (it asks for WARDEN_SETUP_KEY)" in (
        facts.line()
    )
    plain = StartupFacts("http://127.0.0.1:3000", True, "SQLite", (), ())
    assert "WARDEN_SETUP_KEY" not in plain.line()
