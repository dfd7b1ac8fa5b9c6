"""The manifest flow's pages: ``GET /setup`` (the form), ``POST /setup`` (the hand-off to
GitHub) and ``GET /setup/callback`` (the code exchanged, ``.env`` written, setup mode left)."""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web
from gidgethub import GitHubException

from app.features.setup import templates
from app.features.setup.credentials import exchange_code, write_env
from app.features.setup.manifest import (
    build_manifest,
    check_form,
    find_manifest_file,
    registration_url,
)
from app.platform.clock import Clock
from app.platform.errors import WardenError
from app.platform.metrics import Metrics
from app.platform.settings import Settings

log = logging.getLogger(__name__)

Activate = Callable[[Settings], Awaitable[None]]
#: How long a registration started here may take (GitHub's codes last an hour too).
STATE_SECONDS = 3600.0


@dataclass
class SetupFlow:
    """The flow's state: the settings now in force and the registrations under way."""

    settings: Settings
    metrics: Metrics
    clock: Clock
    activate: Activate | None = None
    pending: dict[str, float] = field(default_factory=dict)  # state -> when it was issued

    def new_state(self) -> str:
        now = self.clock.time()
        self.pending = {s: t for s, t in self.pending.items() if now - t < STATE_SECONDS}
        state = secrets.token_urlsafe(24)
        self.pending[state] = now
        return state

    def take_state(self, state: str) -> bool:
        """Whether ``state`` was issued here, under an hour ago (it works once)."""
        issued = self.pending.pop(state, None)
        return issued is not None and self.clock.time() - issued < STATE_SECONDS


SETUP = web.AppKey("setup_flow", SetupFlow)


def add_routes(app: web.Application, settings: Settings, metrics: Metrics, clock: Clock) -> None:
    app[SETUP] = SetupFlow(settings, metrics, clock)
    app.router.add_get("/setup", setup_form)
    app.router.add_post("/setup", hand_off)
    app.router.add_get("/setup/callback", callback)


def _html(text: str, status: int = 200) -> web.Response:
    return web.Response(text=text, status=status, content_type="text/html")


def _key_right(flow: SetupFlow, given: str) -> bool:
    """With ``WARDEN_SETUP_KEY`` set, only who knows it can register the app: the form
    asks for it (a field, never in an address, so no access log shows it)."""
    key = flow.settings.setup_key
    return key is None or hmac.compare_digest(given.encode(), key.reveal().encode())


async def setup_form(request: web.Request) -> web.Response:
    settings = request.app[SETUP].settings
    if not settings.setup_mode:
        return _html(templates.configured(settings.app_id or "", settings.api_url))
    return _html(templates.form(settings.web_url, ask_key=settings.setup_key is not None))


async def hand_off(request: web.Request) -> web.Response:
    flow = request.app[SETUP]
    if not flow.settings.setup_mode:
        return _html(templates.configured(flow.settings.app_id or "", flow.settings.api_url), 409)
    posted = await request.post()
    account, org = str(posted.get("account", "org")), str(posted.get("org", "")).strip()
    name = str(posted.get("name", "Warden")).strip()
    asks = flow.settings.setup_key is not None
    if not _key_right(flow, str(posted.get("key", ""))):
        log.warning("setup refused: the form did not carry WARDEN_SETUP_KEY")
        wrong = "That is not this Warden's setup key (WARDEN_SETUP_KEY in its environment)."
        return _html(templates.form(flow.settings.web_url, wrong, org, name, asks), 403)
    problem = check_form(org, account, name)
    if problem:
        return _html(templates.form(flow.settings.web_url, problem, org, name, asks), 400)
    public = flow.settings.public_url or f"{request.scheme}://{request.host}"
    try:
        manifest = build_manifest(find_manifest_file(), public, name)
    except WardenError as exc:
        return _html(templates.refused(str(exc)), 500)
    target = org if account == "org" else None
    action = registration_url(flow.settings.web_url, target, flow.new_state())
    where = f"the organisation {org}" if target else "your personal account"
    return _html(templates.hand_off(action, manifest, where))


async def callback(request: web.Request) -> web.Response:
    flow = request.app[SETUP]
    if not flow.settings.setup_mode:
        return _html(templates.configured(flow.settings.app_id or "", flow.settings.api_url), 409)
    code, state = request.query.get("code", ""), request.query.get("state", "")
    if not code or not flow.take_state(state):
        log.warning("setup callback refused: its state does not match a registration started here")
        reason = (
            "GitHub's answer does not match a registration started on this page (the state "
            "differs, was used already or is over an hour old), so Warden ignored it."
        )
        return _html(templates.refused(reason), 400)
    return await _finish(flow, code)


async def _finish(flow: SetupFlow, code: str) -> web.Response:
    settings = flow.settings
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
            new = await exchange_code(session, settings.api_url, code, flow.metrics, flow.clock)
    except (GitHubException, aiohttp.ClientError, TimeoutError) as exc:
        log.warning("GitHub did not convert the manifest code: %s", type(exc).__name__)
        reason = (
            "GitHub did not hand over the new app's credentials (a code works once, within an "
            "hour); start again."
        )
        return _html(templates.refused(reason), 502)
    env_file = await asyncio.to_thread(write_env, Path(settings.env_file), new)
    flow.settings = new.settings(settings)
    log.info("GitHub App %s (%s) registered; credentials written to %s", new.id, new.slug, env_file)
    if flow.activate is not None:
        await flow.activate(flow.settings)
    return _html(templates.done(new.slug, new.install_url, str(env_file)))
