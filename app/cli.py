"""Command line: serve, tick, deliveries, replay, check-config, roster."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from app.platform.errors import WardenError
from app.platform.logs import configure_logging
from app.platform.settings import Settings, load_settings
from app.wiring import WIRING


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="warden", description="Warden: run a security response team on GitHub."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub.add_parser("serve", help="run the webhook server, the workers and the scheduler")
    jobs = "\n".join(f"  {job.name:<16} {job.description}" for job in WIRING.jobs)
    tick = sub.add_parser(
        "tick",
        help="run the due scheduled jobs once (or the named job now), then exit",
        description=f"Run the due scheduled jobs once, or JOB now.\n\njobs:\n{jobs}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    tick.add_argument("job", nargs="?", choices=[job.name for job in WIRING.jobs], metavar="JOB")
    deliveries = sub.add_parser("deliveries", help="list recent and failed deliveries")
    deliveries.add_argument("--failed", action="store_true", help="only failed deliveries")
    deliveries.add_argument("--limit", type=int, default=20, help="how many (default 20)")
    replay = sub.add_parser("replay", help="process a stored delivery again")
    replay.add_argument("delivery_id", metavar="DELIVERY_ID")
    check = sub.add_parser("check-config", help="validate a .github/warden.yml file offline")
    check.add_argument("path", metavar="PATH")
    sub.add_parser("demo", help="run Warden against a simulated GitHub and print what it did")
    roster = sub.add_parser(
        "roster", help="reconcile an org's public member lists with its team now"
    )
    roster.add_argument("org", metavar="ORG")
    roster.add_argument(
        "--dry-run", action="store_true", help="only print the difference; change nothing"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "check-config":
            from config.check import check_config_main

            return int(check_config_main(args.path))
        if args.command == "demo":
            from sandbox.demo import main as demo_main

            configure_logging("error", "text")
            return demo_main()
        settings = load_settings()
        configure_logging(settings.log_level, settings.log_format)
        if args.command == "serve":
            return serve(settings)
        return asyncio.run(_run_async(args, settings))
    except WardenError as exc:
        print(f"warden: {exc}", file=sys.stderr)
        return 2


def serve(settings: Settings) -> int:
    from aiohttp import web

    from app.platform.errors import SettingsError
    from app.server import create_app

    if not settings.setup_mode and not settings.webhook_secrets():
        raise SettingsError(
            "GITHUB_WEBHOOK_SECRET is not set: Warden refuses to serve webhooks it cannot verify."
        )
    web.run_app(create_app(settings), host=settings.host, port=settings.port, print=None)
    return 0


async def _run_async(args: argparse.Namespace, settings: Settings) -> int:
    from app.runtime import open_runtime

    async with open_runtime(settings, WIRING) as ctx:
        if args.command == "tick":
            from app.scheduler import Scheduler

            scheduler = Scheduler(ctx, ctx.wiring.jobs, settings.tick_seconds)
            if args.job:
                return 0 if await scheduler.run_job(args.job) else 1
            ran = await scheduler.run_due()
            print("ran: " + (", ".join(ran) if ran else "nothing was due"))
            return 0
        if args.command == "deliveries":
            return await _list_deliveries(ctx.store, args.failed, args.limit)
        if args.command == "replay":
            return await _replay(ctx, args.delivery_id)
        if args.command == "roster":
            from app.features.roster import roster_command

            return await roster_command(ctx, args.org, args.dry_run)
    return 2


async def _list_deliveries(store: object, failed: bool, limit: int) -> int:
    from app.store import Store

    assert isinstance(store, Store)
    rows = await store.list_deliveries("failed" if failed else None, limit)
    if not rows:
        print("no failed deliveries" if failed else "no deliveries stored yet")
        return 0
    print(f"{'DELIVERY':<38} {'EVENT':<28} {'STATUS':<10} {'TRIES':>5}  RECEIVED (UTC)     ERROR")
    for d in rows:
        name = d.event + (f".{d.action}" if d.action else "")
        when = datetime.fromtimestamp(d.received_at, UTC).strftime("%Y-%m-%d %H:%M:%S")
        error = (d.last_error or "")[:60]
        print(f"{d.id:<38} {name:<28} {d.status:<10} {d.attempts:>5}  {when}  {error}")
    return 0


async def _replay(ctx: object, delivery_id: str) -> int:
    from app.context import Context
    from app.intake.inbox import LEASE_SECONDS, Inbox

    assert isinstance(ctx, Context)
    inbox = Inbox(ctx, ctx.wiring.router, workers=1, max_attempts=1)
    delivery = await ctx.store.claim_specific(
        delivery_id, inbox.worker_id, ctx.clock.time(), LEASE_SECONDS
    )
    if delivery is None:
        known = await ctx.store.get_delivery(delivery_id)
        reason = "is being processed right now" if known else "is not stored here"
        print(f"warden: delivery {delivery_id} {reason}", file=sys.stderr)
        return 1
    status = await inbox.process(delivery)
    print(f"delivery {delivery_id}: {status}")
    return 0 if status == "done" else 1
