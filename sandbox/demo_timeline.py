"""The demo's timeline: the sandbox and Warden on loopback, and what each scene sent and did,
in words (``python -m app demo`` plays the scenes in ``sandbox/demo.py``)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TextIO

from aiohttp import web

from app.platform.clock import Clock
from app.platform.settings import Secret, Settings
from app.scheduler import Scheduler
from app.server import RUNNING, create_app
from sandbox import Sandbox
from sandbox.recorder import RequestRecord

# What Warden's requests mean, for the timeline (method, path pattern, words).
_WORDS: list[tuple[str, str, str]] = [
    ("POST", r"/app/hook/deliveries/\d+/attempts$", "asked GitHub to redeliver a failed delivery"),
    ("POST", r"/repos/[^/]+/[^/]+/issues$", "opened an issue"),
    ("PATCH", r"/repos/[^/]+/[^/]+/issues/\d+$", "edited an issue"),
    ("POST", r"/repos/[^/]+/[^/]+/issues/\d+/comments$", "commented on an issue"),
    ("POST", r"/repos/[^/]+/[^/]+/issues/\d+/labels$", "labelled an issue"),
    ("POST", r"/repos/[^/]+/[^/]+/check-runs$", "posted a check run"),
    ("PATCH", r"/repos/[^/]+/[^/]+/check-runs/\d+$", "updated a check run"),
    ("PATCH", r"/repos/[^/]+/[^/]+/issues/comments/\d+$", "edited its comment"),
    ("DELETE", r"/repos/[^/]+/[^/]+/issues/\d+/labels/.+$", "removed a label"),
    ("PUT", r"/orgs/[^/]+/teams/[^/]+/memberships/.+$", "added someone to a team"),
    ("PATCH", r"/repos/[^/]+/[^/]+/security-advisories/[^/]+$", "updated an advisory"),
    ("POST", r"/security-advisories/[^/]+/forks$", "created the advisory's private fork"),
    ("POST", r"/security-advisories/[^/]+/cve$", "requested a CVE"),
    ("PUT", r"/repos/[^/]+/[^/]+/contents/.+$", "committed a file"),
    ("POST", r"/repos/[^/]+/[^/]+/pulls$", "opened a pull request"),
    ("POST", r"/repos/[^/]+/[^/]+/git/refs$", "created a branch"),
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

    def scheduler(self) -> Scheduler:
        assert self.runner is not None
        scheduler = self.runner.app[RUNNING].scheduler
        assert scheduler is not None
        return scheduler

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
        """Print the deliveries and Warden's writes since the last report, in the order
        they happened (a webhook that Warden's own write caused comes after it)."""
        lines: list[tuple[int, str]] = []
        for delivery in self.sb.deliveries[self._seen_deliveries :]:
            name = delivery.event + (f".{delivery.action}" if delivery.action else "")
            outcome = f"answered {delivery.status_code}" if delivery.status_code else "failed"
            again = " (redelivery)" if delivery.redelivery else ""
            lines.append((delivery.seq, f"    GitHub → Warden: {name}{again}, {outcome}"))
        self._seen_deliveries = len(self.sb.deliveries)
        writes = [
            r
            for r in self.sb.requests[self._seen_requests :]
            if r.method not in ("GET", "HEAD") and not r.path.endswith("/access_tokens")
        ]
        lines += _label_lines(writes)
        for record in writes:
            if not _is_label_creation(record):
                text = _describe(record.method, record.path)
                lines.append((record.seq, f"    Warden → GitHub: {text}"))
        self._seen_requests = len(self.sb.requests)
        for _, line in sorted(lines, key=lambda pair: pair[0]):
            self.say(line)

    async def act(self, title: str, play: Callable[[], Awaitable[None]]) -> None:
        self.say(f"\n{title}")
        await play()
        await self.idle()
        self.report()


LABELS_PATH = r"/repos/[^/]+/[^/]+/labels$"


def _is_label_creation(record: RequestRecord) -> bool:
    return (
        record.method == "POST"
        and re.search(r"/repos/[^/]+/[^/]+/labels$", record.path) is not None
    )


def _label_lines(writes: list[RequestRecord]) -> list[tuple[int, str]]:
    """One line per repository for the labels Warden created there, each label named once."""
    by_path: dict[str, list[RequestRecord]] = {}
    for record in filter(_is_label_creation, writes):
        by_path.setdefault(record.path, []).append(record)
    lines = []
    for path, records in by_path.items():
        names = ", ".join(str((r.json or {}).get("name", "?")) for r in records)
        word = "label" if len(records) == 1 else "labels"
        text = f"    Warden → GitHub: created the {word} {names} (POST {path})"
        lines.append((records[0].seq, text))
    return lines
