"""``python -m app demo``: Warden against the simulated GitHub, with a timeline of what it did."""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TextIO

from aiohttp import web

from app.clock import Clock
from app.demo_nomination import play_nomination
from app.server import RUNNING, create_app
from app.settings import Secret, Settings
from sandbox import Sandbox
from sandbox.testing import seed_psrt

ORG = "python"
GOOD_CONFIG = "team: psrt\ngovernance_repo: psrt-governance\n"
BROKEN_CONFIG = GOOD_CONFIG + "votes:\n  nomination:\n    threshold: two thirds\n"

# What Warden's requests mean, for the timeline (method, path pattern, words).
_WORDS: list[tuple[str, str, str]] = [
    ("POST", r"/app/hook/deliveries/\d+/attempts$", "asked GitHub to redeliver a failed delivery"),
    ("POST", r"/repos/[^/]+/[^/]+/issues$", "opened an issue"),
    ("PATCH", r"/repos/[^/]+/[^/]+/issues/\d+$", "edited an issue"),
    ("POST", r"/repos/[^/]+/[^/]+/issues/\d+/comments$", "commented on an issue"),
    ("POST", r"/repos/[^/]+/[^/]+/labels$", "created a label"),
    ("POST", r"/repos/[^/]+/[^/]+/issues/\d+/labels$", "labelled an issue"),
    ("POST", r"/repos/[^/]+/[^/]+/check-runs$", "posted a check run"),
    ("PATCH", r"/repos/[^/]+/[^/]+/check-runs/\d+$", "updated a check run"),
    ("PATCH", r"/repos/[^/]+/[^/]+/issues/comments/\d+$", "edited its comment"),
    ("DELETE", r"/repos/[^/]+/[^/]+/issues/\d+/labels/.+$", "removed a label"),
    ("PUT", r"/orgs/[^/]+/teams/[^/]+/memberships/[^/]+$", "added a member to the team"),
]


def _describe(method: str, path: str) -> str:
    for verb, pattern, words in _WORDS:
        if method == verb and re.search(pattern, path):
            return f"{words} ({method} {path})"
    return f"{method} {path}"


class Demo:
    """The sandbox, Warden served on loopback, and a printer for what happens."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.clock = Clock()
        self.sb = Sandbox(clock=self.clock)
        self.runner: web.AppRunner | None = None
        self._seen_requests = 0
        self._seen_deliveries = 0

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    async def start_warden(self, data: Path) -> None:
        settings = Settings(
            app_id=str(self.sb.app_id),
            private_key=Secret(self.sb.private_key_pem),
            webhook_secret=Secret(self.sb.webhook_secret),
            api_url=self.sb.url,
            database_url=f"sqlite:///{data / 'warden.sqlite3'}",
            tick_seconds=3600.0,
        )
        app = create_app(settings, clock=self.clock, run_scheduler=False, max_inline_wait=2.0)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        host, port = self.runner.addresses[0][:2]
        self.sb.webhook_url = f"http://{host}:{port}/webhook"
        self.say(f"  Warden is up at http://{host}:{port} (SQLite in a temporary folder)")

    async def idle(self) -> None:
        """Wait until every delivery was sent and processed."""
        if self.runner is None:
            await self.sb.settle()
            return
        ctx = self.runner.app[RUNNING].ctx
        assert ctx is not None
        async with asyncio.timeout(30):
            while True:
                sent = len(self.sb.deliveries)
                await self.sb.settle()
                counts = await ctx.store.count_deliveries()
                busy = counts.get("queued", 0) + counts.get("processing", 0)
                if not busy and len(self.sb.deliveries) == sent:
                    return
                await asyncio.sleep(0.05)

    def report(self) -> None:
        """Print the deliveries and Warden's writes since the last report."""
        for delivery in self.sb.deliveries[self._seen_deliveries :]:
            name = delivery.event + (f".{delivery.action}" if delivery.action else "")
            outcome = f"answered {delivery.status_code}" if delivery.status_code else "failed"
            again = " (redelivery)" if delivery.redelivery else ""
            self.say(f"    GitHub → Warden: {name}{again}, {outcome}")
        self._seen_deliveries = len(self.sb.deliveries)
        for record in self.sb.requests[self._seen_requests :]:
            if record.method in ("GET", "HEAD") or record.path.endswith("/access_tokens"):
                continue
            self.say(f"    Warden → GitHub: {_describe(record.method, record.path)}")
        self._seen_requests = len(self.sb.requests)

    async def act(self, title: str, play: Callable[[], Awaitable[None]]) -> None:
        self.say(f"\n{title}")
        await play()
        await self.idle()
        self.report()


async def run_demo(out: TextIO = sys.stdout) -> int:
    """Play the scenes; return 0 when Warden did what each scene expects."""
    demo = Demo(out)
    await demo.sb.start()
    try:
        with tempfile.TemporaryDirectory(prefix="warden-demo-") as data:
            return await _play(demo, Path(data))
    finally:
        if demo.runner is not None:
            await demo.runner.cleanup()
        await demo.sb.stop()


async def _play(demo: Demo, data: Path) -> int:
    sb = demo.sb
    demo.say("Warden demo: a simulated GitHub (no network, no account) and Warden against it.")
    seed_psrt(sb)
    sb.add_repo(ORG, ".github", files={"README.md": "org profile\n"})
    sb.webhook_url = None

    async def while_down() -> None:
        await sb.open_issue(ORG, "psrt-governance", "bob", "Welcome to the PSRT tracker")
        demo.say("  Warden is not running yet: GitHub cannot deliver, and never retries by itself.")

    await demo.act("1. An issue is opened while Warden is down", while_down)

    async def comes_up() -> None:
        await demo.start_warden(data)
        assert demo.runner is not None
        scheduler = demo.runner.app[RUNNING].scheduler
        assert scheduler is not None
        await scheduler.run_due()  # what `serve` does at start: recover failed deliveries

    await demo.act("2. Warden starts and recovers what it missed", comes_up)
    recovered = any(d.redelivery and d.status_code == 202 for d in sb.deliveries)

    async def broken_config() -> None:
        await sb.push(
            ORG,
            ".github",
            "main",
            {".github/warden.yml": BROKEN_CONFIG},
            "alice",
            "Configure Warden",
        )

    await demo.act("3. An admin pushes a config with a mistake", broken_config)
    opened = _config_error_issues(sb, "open")

    async def fixed_config() -> None:
        await sb.push(
            ORG,
            ".github",
            "main",
            {".github/warden.yml": GOOD_CONFIG},
            "alice",
            "Fix the threshold",
        )

    await demo.act("4. The admin fixes it", fixed_config)
    closed = _config_error_issues(sb, "closed")
    nominated = await play_nomination(demo, ORG)
    demo.say("\nDone. The roster and advisories are not built yet; see the README.")
    failures = [
        text
        for ok, text in [
            (recovered, "the delivery missed while Warden was down did not come back"),
            (len(opened) == 1, "the config error was not reported in one issue"),
            (closed == opened, "the config error issue was not closed once fixed"),
            *nominated,
        ]
        if not ok
    ]
    for text in failures:
        demo.say(f"FAILED: {text}")
    return 1 if failures else 0


def _config_error_issues(sb: Sandbox, state: str) -> list[int]:
    issues = sb.repo(ORG, ".github").issues.values()
    return [i.number for i in issues if "warden/config-error" in i.labels and i.state == state]


def main() -> int:
    return asyncio.run(run_demo())
