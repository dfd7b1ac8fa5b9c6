"""The aiohttp application: webhook intake, health, metrics, the status and setup pages."""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from dataclasses import dataclass

from aiohttp import web

from app import __version__
from app.context import Context
from app.feature import Wiring
from app.features.status.page import StatusPage
from app.intake.inbox import Inbox, Intake
from app.intake.webhook import WebhookView
from app.platform.clock import SYSTEM_CLOCK, Clock
from app.platform.metrics import Metrics
from app.platform.settings import Settings
from app.runtime import open_runtime
from app.scheduler import Scheduler
from app.wiring import WIRING

log = logging.getLogger(__name__)


@dataclass
class Running:
    """What the app opened at startup (filled in by its lifecycle, empty before)."""

    ctx: Context | None = None
    inbox: Inbox | None = None
    scheduler: Scheduler | None = None
    webhook: WebhookView | None = None


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
    app = web.Application()
    app[SETTINGS] = settings
    app[METRICS] = Metrics()
    app[RUNNING] = running = Running()
    app[STATUS] = StatusPage()
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
    app.router.add_get("/metrics", metrics_view)
    app.router.add_get("/setup", setup_page)
    app.router.add_get("/", status_page)

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
            if not settings.setup_mode:
                await _start_processing(running, stack, ctx, run_workers, run_scheduler)
            yield

    app.cleanup_ctx.append(lifecycle)
    if not settings.setup_mode:
        app.router.add_post("/webhook", _deferred_webhook)
    return app


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
    intake = Intake(ctx.store, inbox.wake)
    intake.start()
    stack.push_async_callback(intake.stop)
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
    view = request.app[RUNNING].webhook
    if view is None:
        return web.json_response({"message": "starting up"}, status=503)
    return await view(request)


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    ctx = request.app[RUNNING].ctx
    if ctx is not None and await ctx.store.ping():
        return web.json_response({"status": "ready"})
    return web.json_response({"status": "database unavailable"}, status=503)


async def metrics_view(request: web.Request) -> web.Response:
    ctx = request.app[RUNNING].ctx
    metrics = request.app[METRICS]
    if ctx is not None:
        counts = await ctx.store.count_deliveries()
        metrics.queue_depth.set(counts.get("queued", 0) + counts.get("processing", 0))
    return web.Response(body=metrics.render(), content_type="text/plain", charset="utf-8")


def _page(title: str, body: str) -> web.Response:
    text = (
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
        f"{body}<footer><small>Warden {__version__}</small></footer></body></html>"
    )
    return web.Response(text=text, content_type="text/html")


async def setup_page(request: web.Request) -> web.Response:
    settings = request.app[SETTINGS]
    if not settings.setup_mode:
        return _page(
            "Warden is configured",
            f"<p>GitHub App {html.escape(settings.app_id or '')} on "
            f"{html.escape(settings.api_url)}. Webhooks are received at <code>/webhook</code>.</p>",
        )
    return _page(
        "Set up Warden",
        "<p>Warden is running in setup mode: it has no GitHub App credentials yet, so it "
        "serves only this page and the health routes.</p><ol>"
        "<li>Register a GitHub App from <code>app.yml</code> (events and permissions).</li>"
        "<li>Set <code>GITHUB_APP_ID</code>, <code>GITHUB_PRIVATE_KEY_FILE</code> (or "
        "<code>GITHUB_PRIVATE_KEY</code>) and <code>GITHUB_WEBHOOK_SECRET</code> in the "
        "environment or in <code>.env</code>.</li>"
        "<li>Restart Warden and install the app on your organisation.</li></ol>",
    )


async def status_page(request: web.Request) -> web.Response:
    """Public information only: never anything embargoed (see app/status.py)."""
    ctx = request.app[RUNNING].ctx
    if request.app[SETTINGS].setup_mode or ctx is None or ctx.github is None:
        return _page("Warden", "<p>Status: setup mode (no GitHub App configured).</p>")
    return _page("Warden", await request.app[STATUS].body(ctx))
