"""Command line: serve, tick, deliveries, replay, check-config, roster, check, demo."""

from __future__ import annotations

import argparse
import asyncio
import errno
import sys
from collections.abc import Sequence
from datetime import UTC, datetime

from app.platform.errors import SettingsError, WardenError
from app.platform.logs import configure_logging
from app.platform.settings import Settings, load_settings
from app.scheduler import JobRun
from app.startup import describe_database, require_existing_database
from app.wiring import WIRING

#: Commands that act on GitHub: in setup mode (no app yet) they cannot run.
NEEDS_APP = ("tick", "replay", "roster", "check")
MAX_LIMIT = 1000


def _limit(text: str) -> int:
    """``--limit``: a whole number from 1 to MAX_LIMIT."""
    try:
        number = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= number <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_LIMIT}, got {number}")
    return number


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
    deliveries.add_argument(
        "--stuck",
        action="store_true",
        help="only deliveries processing past their lease (their worker died or could not "
        "record the outcome; a running worker claims them again)",
    )
    deliveries.add_argument(
        "--limit", type=_limit, default=20, help=f"how many, 1 to {MAX_LIMIT} (default 20)"
    )
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
    org_check = sub.add_parser(
        "check", help="check an installation now: config, teams, repos, permissions"
    )
    org_check.add_argument("org", metavar="ORG")
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
        if args.command in NEEDS_APP and settings.setup_mode:
            raise SettingsError(
                f"{args.command} cannot run in setup mode: no GitHub App is configured "
                "(GITHUB_APP_ID is not set); register it at /setup on the running server first."
            )
        require_existing_database(settings.database_url)
        return asyncio.run(_run_async(args, settings))
    except WardenError as exc:
        print(f"warden: {exc}", file=sys.stderr)
        return 2


def serve(settings: Settings) -> int:
    from aiohttp import web

    from app.server import announce, create_app

    if not settings.setup_mode and not settings.webhook_secrets():
        raise SettingsError(
            "GITHUB_WEBHOOK_SECRET is not set: Warden refuses to serve webhooks it cannot verify."
        )
    app = create_app(settings)
    try:
        web.run_app(app, host=settings.host, port=settings.port, print=lambda _: announce(app))
    except OSError as exc:
        where = f"{settings.host}:{settings.port}"
        if exc.errno == errno.EADDRINUSE:
            raise SettingsError(
                f"cannot listen on {where}: another program uses that port; stop it or set "
                "PORT to a free one."
            ) from None
        raise SettingsError(f"cannot listen on {where}: {exc.strerror or exc}.") from None
    return 0


async def _run_async(args: argparse.Namespace, settings: Settings) -> int:
    from app.runtime import open_runtime

    async with open_runtime(settings, WIRING) as ctx:
        if args.command == "tick":
            from app.scheduler import Scheduler

            scheduler = Scheduler(ctx, ctx.wiring.jobs, settings.tick_seconds)
            if args.job:
                run = await scheduler.run_job(args.job)
                print(f"{args.job}: {'done' if run else run.outcome}")
                return _report_runs([run])
            ran = await scheduler.run_due_jobs()
            print("ran: " + (", ".join(r.name for r in ran) if ran else "nothing was due"))
            return _report_runs(ran)
        if args.command == "deliveries":
            if args.stuck:
                return await _list_stuck(ctx.store, ctx.clock.time(), args.limit)
            return await _list_deliveries(ctx.store, args.failed, args.limit, settings)
        if args.command == "replay":
            return await _replay(ctx, args.delivery_id)
        if args.command == "roster":
            from app.features.roster import roster_command

            return await roster_command(ctx, args.org, args.dry_run)
        if args.command == "check":
            from app.features.setup.check import check_command

            return await check_command(ctx, args.org)
    return 2


def _report_runs(runs: Sequence[JobRun]) -> int:
    """Print each failed run, with which installation failed and why; 1 if any failed."""
    for run in runs:
        if not run:
            print(f"warden: job {run.name}: {run.outcome}: {run.error}", file=sys.stderr)
    return 0 if all(runs) else 1


async def _list_deliveries(store: object, failed: bool, limit: int, settings: Settings) -> int:
    from app.store import Store

    assert isinstance(store, Store)
    rows = await store.list_deliveries("failed" if failed else None, limit)
    if not rows:
        where = describe_database(settings.database_url)
        print(f"no failed deliveries in {where}" if failed else f"no deliveries stored in {where}")
        return 0
    print(f"{'DELIVERY':<38} {'EVENT':<28} {'STATUS':<10} {'TRIES':>5}  RECEIVED (UTC)     ERROR")
    for d in rows:
        name = d.event + (f".{d.action}" if d.action else "")
        when = datetime.fromtimestamp(d.received_at, UTC).strftime("%Y-%m-%d %H:%M:%S")
        error = (d.last_error or "")[:60]
        print(f"{d.id:<38} {name:<28} {d.status:<10} {d.attempts:>5}  {when}  {error}")
    return 0


async def _list_stuck(store: object, now: float, limit: int) -> int:
    from app.store import Store

    assert isinstance(store, Store)
    rows = await store.stuck_deliveries(now, limit)
    if not rows:
        print("no stuck deliveries")
        return 0
    print(f"{'DELIVERY':<38} {'EVENT':<28} {'LEASE EXPIRED':>13}  CLAIMED BY")
    for d in rows:
        name = d.event + (f".{d.action}" if d.action else "")
        late = f"{now - (d.lease_until or now):.0f}s ago"
        print(f"{d.id:<38} {name:<28} {late:>13}  {d.claimed_by or ''}")
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
        where = describe_database(ctx.settings.database_url)
        reason = "is being processed right now" if known else f"is not stored in {where}"
        print(f"warden: delivery {delivery_id} {reason}", file=sys.stderr)
        return 1
    status = await inbox.process(delivery)
    print(f"delivery {delivery_id}: {status}")
    return 0 if status == "done" else 1
