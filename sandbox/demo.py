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

from app.features.orgconfig import CONFIG_PATH
from app.features.votes.templates import NOMINATION, ONBOARDING, PASSED
from app.platform.clock import Clock
from app.platform.settings import Secret, Settings
from app.scheduler import Scheduler
from app.server import RUNNING, create_app
from sandbox import Sandbox

ORG, GOV = "python", "psrt-governance"
MEMBERS = ("alice", "bob", "carol", "dave", "erin", "frank")
DAY = 86400.0
GOOD_CONFIG = (
    "team: psrt\ngovernance_repo: psrt-governance\n"
    "votes:\n  nomination:\n    veto: {team: steering-council, window: 7d}\n"
)
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
        for record in self.sb.requests[self._seen_requests :]:
            if record.method in ("GET", "HEAD") or record.path.endswith("/access_tokens"):
                continue
            lines.append(
                (record.seq, f"    Warden → GitHub: {_describe(record.method, record.path)}")
            )
        self._seen_requests = len(self.sb.requests)
        for _, line in sorted(lines, key=lambda pair: pair[0]):
            self.say(line)

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
    _seed(sb)
    sb.webhook_url = None
    checks: list[tuple[bool, str]] = []
    checks += await _recovery_scenes(demo, data)
    checks += await _config_scenes(demo)
    checks += await _nomination_scenes(demo)
    checks += await _advisory_scenes(demo)
    failures = [text for ok, text in checks if not ok]
    failures += [f"a request that breaks GitHub's REST contract: {v}" for v in sb.violations]
    failures += [f"webhook payload outside the schema: {p}" for p in sb.payload_problems]
    demo.say("\nDone." if not failures else "")
    for text in failures:
        demo.say(f"FAILED: {text}")
    return 1 if failures else 0


def _seed(sb: Sandbox) -> None:
    """python/psrt with six members (alice and bob maintain it), a steering council, a
    private governance repository, a public cpython and an empty `.github` repository."""
    for login in (*MEMBERS, "grace", "guido", "mallory"):
        sb.add_user(login)
    sb.add_org(ORG, admins=["alice"])
    sb.add_team(ORG, "psrt", members=MEMBERS[2:], maintainers=MEMBERS[:2])
    sb.add_team(ORG, "steering-council", members=["guido"])
    sb.add_repo(ORG, GOV, private=True, files={"README.md": "PSRT\n"})
    sb.add_repo(ORG, "cpython", files={"Lib/tarfile.py": "# tarfile\n"})
    sb.add_repo(ORG, ".github", files={"README.md": "org profile\n"})
    sb.install(ORG)


async def _recovery_scenes(demo: Demo, data: Path) -> list[tuple[bool, str]]:
    sb = demo.sb

    async def while_down() -> None:
        await sb.open_issue(ORG, GOV, "bob", "Welcome to the PSRT tracker")
        demo.say("  Warden is not running yet: GitHub cannot deliver, and never retries by itself.")

    await demo.act("1. An issue is opened while Warden is down", while_down)

    async def comes_up() -> None:
        await demo.start_warden(data)
        await demo.scheduler().run_due()  # what `serve` does at start: recover failed deliveries

    await demo.act("2. Warden starts and recovers what it missed", comes_up)
    recovered = any(d.redelivery and d.status_code == 202 for d in sb.deliveries)
    return [(recovered, "the delivery missed while Warden was down did not come back")]


async def _config_scenes(demo: Demo) -> list[tuple[bool, str]]:
    sb = demo.sb

    async def broken_config() -> None:
        await sb.push(ORG, ".github", "main", {CONFIG_PATH: BROKEN_CONFIG}, "alice", "Configure")

    await demo.act("3. An admin pushes a config with a mistake", broken_config)
    opened = _config_error_issues(sb, "open")

    async def fixed_config() -> None:
        await sb.push(ORG, ".github", "main", {CONFIG_PATH: GOOD_CONFIG}, "alice", "Fix it")

    await demo.act("4. The admin fixes it", fixed_config)
    closed = _config_error_issues(sb, "closed")
    return [
        (len(opened) == 1, "the config error was not reported in one issue"),
        (closed == opened, "the config error issue was not closed once fixed"),
    ]


async def _nomination_scenes(demo: Demo) -> list[tuple[bool, str]]:
    sb = demo.sb
    number = 0

    async def nominate() -> None:
        nonlocal number
        body = "Nominee: @grace\n\nGrace has fixed three CVEs in the stdlib this year."
        number = await sb.open_issue(ORG, GOV, "alice", "Nominate grace", body, [NOMINATION])

    await demo.act("5. alice nominates grace to the PSRT", nominate)

    async def vote() -> None:
        comment_id = _vote_comment_id(sb, number)
        votes = {"alice": "+1", "bob": "+1", "carol": "+1", "dave": "+1", "erin": "-1"}
        for user, content in (*votes.items(), ("frank", "eyes")):
            sb.react(ORG, GOV, comment_id, user, content)
        demo.say("  Members react on the vote comment: 4 👍, 1 👎, 1 👀 (GitHub sends no webhook).")
        demo.clock.advance(7 * DAY)
        demo.say("  The vote stays open its whole week (PEP 811); at the close the `votes` sweep")
        demo.say("  counts them:")
        await demo.scheduler().run_job("votes")

    await demo.act("6. The team votes", vote)
    passed = PASSED in _labels(sb, GOV, number)

    async def admit() -> None:
        demo.clock.advance(7 * DAY)
        demo.say("  The 7-day veto window passes with no `/veto`; the next sweep admits grace:")
        await demo.scheduler().run_job("votes")

    await demo.act("7. No veto: grace is invited to the team and onboarded", admit)
    invited = "grace" in sb.world.team(ORG, "psrt").invitations
    onboarding = [i for i in sb.repo(ORG, GOV).issues.values() if ONBOARDING in i.labels]
    return [
        (passed, "the nomination did not pass at 4 of 5 votes cast"),
        (invited, "grace was not invited to the team after the veto window"),
        (len(onboarding) == 1, "no onboarding issue was opened for grace"),
    ]


async def _advisory_scenes(demo: Demo) -> list[tuple[bool, str]]:
    sb = demo.sb
    ghsa = ""

    async def report() -> None:
        nonlocal ghsa
        ghsa = await sb.report_advisory(
            ORG, "cpython", "mallory", "tarfile: path traversal", "the embargoed details"
        )
        demo.say(f"  mallory privately reports {ghsa} against python/cpython.")

    await demo.act("8. A vulnerability is reported privately", report)
    adv = sb.world.advisory(sb.repo(ORG, "cpython"), ghsa)
    tracked = [i for i in sb.repo(ORG, GOV).issues.values() if ghsa in i.title]
    leaked = any("embargoed" in (i.body or "") for i in tracked)

    async def accept() -> None:
        sb.edit_advisory(ORG, "cpython", ghsa, "bob", title=f"[ACCEPT] {adv.summary}")
        demo.say("  bob tags the title [ACCEPT] on GitHub (no webhook for edits);")
        demo.say("  the `advisories` sweep moves it to draft, opens the private fork, asks a CVE:")
        await demo.scheduler().run_job("advisories")

    await demo.act("9. The team accepts the report", accept)
    adv = sb.world.advisory(sb.repo(ORG, "cpython"), ghsa)
    return [
        ("psrt" in adv.collaborating_teams, "the team was not added to the advisory"),
        (("mallory", "reporter") in adv.credits, "the reporter was not credited"),
        (len(tracked) == 1 and not leaked, "no single tracking issue without the description"),
        (adv.state == "draft", "the [ACCEPT] tag did not move the advisory to draft"),
        (adv.private_fork is not None, "no private fork was created on draft"),
    ]


def _vote_comment_id(sb: Sandbox, number: int) -> int:
    issue = sb.world.issue(sb.repo(ORG, GOV), number)
    for comment_id in issue.comments:
        if sb.world.comments[comment_id].user == sb.bot_login:
            return comment_id
    raise RuntimeError("Warden posted no vote comment")


def _labels(sb: Sandbox, repo: str, number: int) -> list[str]:
    return list(sb.world.issue(sb.repo(ORG, repo), number).labels)


def _config_error_issues(sb: Sandbox, state: str) -> list[int]:
    issues = sb.repo(ORG, ".github").issues.values()
    return [i.number for i in issues if "warden/config-error" in i.labels and i.state == state]


def main() -> int:
    return asyncio.run(run_demo())
