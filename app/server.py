"""The aiohttp application: webhook intake, health, metrics, the status and setup pages."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, replace

import aiohttp
from aiohttp import web

from app.context import Context
from app.feature import Wiring
from app.features.setup import web as setup_web
from app.features.status.page import StatusPage
from app.intake.inbox import Inbox, Intake
from app.intake.webhook import WebhookView
from app.pages import page
from app.platform.clock import SYSTEM_CLOCK, Clock
from app.platform.metrics import Metrics
from app.platform.settings import Settings
from app.runtime import build_github, open_runtime
from app.scheduler import Scheduler
from app.startup import StartupFacts, gather_facts
from app.wiring import WIRING

log = logging.getLogger(__name__)
HTTP_TIMEOUT = aiohttp.ClientTimeout(total=30, connect=10)


@dataclass
class Running:
    """What the app opened at startup (filled in by its lifecycle, empty before)."""

    ctx: Context | None = None
    inbox: Inbox | None = None
    scheduler: Scheduler | None = None
    webhook: WebhookView | None = None
    facts: StartupFacts | None = None


RUNNING = web.AppKey("running", Running)
SETTINGS = web.AppKey("settings", Settings)
METRICS = web.AppKey("metrics", Metrics)
STATUS = web.AppKey("status", StatusPage)


def create_app(
    settings: Settings,
    *,
    wiring: Wiring = WIRING,
    clock: Clock = SYSTEM_CLOCK,
    run_workers: bool = True,
    run_scheduler: bool = True,
    max_inline_wait: float = 10.0,
) -> web.Application:
    """Build the app; resources are opened on startup and closed on cleanup."""
    # Never inflate a request body: a compressed webhook is refused unread (415), so a gzip
    # bomb costs nothing (aiohttp would otherwise inflate it even while draining it).
    app = web.Application(handler_args={"auto_decompress": False})
    app[SETTINGS] = settings
    app[METRICS] = Metrics()
    app[RUNNING] = running = Running()
    app[STATUS] = StatusPage()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_view)
    app.router.add_get("/", status_page)
    app.router.add_post("/webhook", _deferred_webhook)
    setup_web.add_routes(app, settings, app[METRICS], clock)

    async def lifecycle(app: web.Application) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            ctx = await stack.enter_async_context(
                open_runtime(
                    settings,
                    wiring,
                    clock=clock,
                    metrics=app[METRICS],
                    max_inline_wait=max_inline_wait,
                )
            )
            running.ctx = ctx

            async def start(new: Settings) -> None:
                fresh = await _leave_setup_mode(running, stack, new, max_inline_wait)
                await _start_processing(running, stack, fresh, run_workers, run_scheduler)

            app[setup_web.SETUP].activate = start  # the manifest flow's last step
            if not settings.setup_mode:
                await _start_processing(running, stack, ctx, run_workers, run_scheduler)
            running.facts = await _facts(ctx)
            yield

    app.cleanup_ctx.append(lifecycle)
    return app


async def _facts(ctx: Context) -> StartupFacts:
    """What the start-up line says, read once the database is open."""
    settings = ctx.settings
    return await gather_facts(
        ctx.store,
        settings.listen_url(),
        settings.database_url,
        ctx.wiring.jobs,
        settings.setup_mode,
        ctx.clock.time(),
        setup_keyed=settings.setup_key is not None,
    )


def announce(app: web.Application) -> None:
    """Say once, when the server listens, where, in which mode, on which database."""
    facts = app[RUNNING].facts
    if facts is not None:
        facts.announce()


async def _leave_setup_mode(
    running: Running, stack: AsyncExitStack, settings: Settings, max_inline_wait: float
) -> Context:
    """Swap the setup-mode context for one with the new app's credentials."""
    old = running.ctx
    assert old is not None and old.github is None
    session = await stack.enter_async_context(aiohttp.ClientSession(timeout=HTTP_TIMEOUT))
    github = build_github(settings, session, old.metrics, old.clock, max_inline_wait)
    running.ctx = replace(old, settings=settings, github=github)
    log.info("left setup mode: GitHub App %s, receiving webhooks at /webhook", settings.app_id)
    return running.ctx


async def _start_processing(
    running: Running,
    stack: AsyncExitStack,
    ctx: Context,
    run_workers: bool,
    run_scheduler: bool,
) -> None:
    settings = ctx.settings
    inbox = Inbox(
        ctx, ctx.wiring.router, workers=settings.workers, max_attempts=settings.max_attempts
    )
    running.inbox = inbox
    intake = Intake(ctx.store, inbox.stored)
    running.webhook = WebhookView(settings.webhook_secrets(), intake, ctx.clock.time)
    if run_workers:
        await inbox.start()
        stack.push_async_callback(inbox.stop)
    scheduler = Scheduler(ctx, ctx.wiring.jobs, settings.tick_seconds)
    running.scheduler = scheduler
    if run_scheduler:
        task = asyncio.create_task(scheduler.run_forever(), name="scheduler")

        async def stop_scheduler() -> None:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

        stack.push_async_callback(stop_scheduler)


async def _deferred_webhook(request: web.Request) -> web.StreamResponse:
    running = request.app[RUNNING]
    if running.webhook is not None:
        return await running.webhook(request)
    if running.ctx is not None and running.ctx.github is None:
        message = "Warden is in setup mode: register the GitHub App at /setup first"
        return web.json_response({"message": message}, status=404)
    return web.json_response({"message": "starting up"}, status=503)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    """Ready when the database takes a write (a read alone misses a full disk)."""
    ctx = request.app[RUNNING].ctx
    if ctx is not None and await ctx.store.probe_write(ctx.clock.time()):
        return web.json_response({"status": "ready"})
    return web.json_response({"status": "database cannot take a write"}, status=503)


async def metrics_view(request: web.Request) -> web.Response:
    ctx = request.app[RUNNING].ctx
    metrics = request.app[METRICS]
    if ctx is not None:
        counts = await ctx.store.count_deliveries()
        metrics.queue_depth.set(counts.get("queued", 0) + counts.get("processing", 0))
        metrics.stuck.set(await ctx.store.count_stuck(ctx.clock.time()))
    return web.Response(body=metrics.render(), content_type="text/plain", charset="utf-8")


def _page(title: str, body: str) -> web.Response:
    return web.Response(text=page(title, body), content_type="text/html")


async def status_page(request: web.Request) -> web.Response:
    """Public information only: never anything embargoed (see app/status.py)."""
    ctx = request.app[RUNNING].ctx
    if ctx is None or ctx.github is None:
        return _page("Warden", "<p>Status: setup mode (no GitHub App configured).</p>")
    return _page("Warden", await request.app[STATUS].body(ctx))
