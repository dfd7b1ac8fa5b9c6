"""``python -m app demo``: Warden against the simulated GitHub, with a timeline of what it did."""

from __future__ import annotations

import asyncio
import re
import sys
import tempfile
from pathlib import Path
from typing import TextIO

from app.features.orgconfig import CONFIG_PATH
from app.features.votes.templates import NOMINATION, ONBOARDING, PASSED
from sandbox import Sandbox
from sandbox.demo_timeline import Demo

ORG, GOV = "python", "psrt-governance"
MEMBERS = ("alice", "bob", "carol", "dave", "erin", "frank")
DAY = 86400.0
CONFIG = (
    "team: psrt\ngovernance_repo: psrt-governance\n"
    "votes:\n  nomination:\n    threshold: {threshold}\n"
    "    veto: {{team: steering-council, window: 7d}}\n"
)
BROKEN_CONFIG = CONFIG.format(threshold="two thirds")  # line 5: not a fraction
GOOD_CONFIG = CONFIG.format(threshold="2/3")
NEXT_STEPS = """
Next, on your own GitHub:
  make run                                        start Warden; open http://127.0.0.1:3000/setup
                                                  to register the app on your organisation
  python -m app check-config .github/warden.yml   check a config before you push it
  python -m app check ORG                         check an installation: config, teams, repos,
                                                  permissions (what /setup's install triggers)
  python -m app tick --help                       the scheduled jobs and what each does
  python -m app deliveries                        what GitHub sent and how it went"""


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
    for text in failures:
        demo.say(f"FAILED: {text}")
    if failures:
        return 1
    demo.say("\nDone. Every scene did what it should.")
    demo.say(NEXT_STEPS)
    return 0


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
        demo.say("  alice pushes .github/warden.yml with line 5 `    threshold: two thirds`:")
        await sb.push(ORG, ".github", "main", {CONFIG_PATH: BROKEN_CONFIG}, "alice", "Configure")

    await demo.act("3. An admin pushes a config with a mistake", broken_config)
    opened = _config_error_issues(sb, "open")
    for number in opened:
        demo.say(f"  Warden applies nothing of it and explains in python/.github#{number}:")
        for problem in _problems(sb, number):
            demo.say(f"    {problem}")

    async def fixed_config() -> None:
        demo.say("  alice writes `threshold: 2/3` instead:")
        await sb.push(ORG, ".github", "main", {CONFIG_PATH: GOOD_CONFIG}, "alice", "Fix it")

    await demo.act("4. The admin fixes it", fixed_config)
    closed = _config_error_issues(sb, "closed")
    if closed == opened:
        demo.say("  The file is valid: Warden applies it and closes the issue with a comment.")
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
    for line in _vote_in_words(sb, number):
        demo.say(f"  {line}")

    async def admit() -> None:
        demo.clock.advance(7 * DAY)
        demo.say("  The 7-day veto window passes with no `/veto`; the next sweep admits grace:")
        await demo.scheduler().run_job("votes")

    await demo.act("7. No veto: grace is invited to the team and onboarded", admit)
    demo.say(f"  {_vote_in_words(sb, number)[-1]}")
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


def _problems(sb: Sandbox, number: int) -> list[str]:
    """The problems a config error issue lists, without their Markdown links."""
    body = sb.world.issue(sb.repo(ORG, ".github"), number).body or ""
    found = re.findall(r"^- \[(line \d+)\]\([^)]*\), (.*)$", body, flags=re.M)
    return [f"{where}, {what}" for where, what in found]


def _vote_in_words(sb: Sandbox, number: int) -> list[str]:
    """The result as Warden's vote comment states it: the heading, the counts, the rule."""
    body = sb.world.comments[_vote_comment_id(sb, number)].body
    heading = re.search(r"^## (.+)$", body, flags=re.M)
    rule = re.search(r"^\*\*Rule:\*\* (.+)$", body, flags=re.M)
    counts = dict(re.findall(r"^\| \S+ (for|against|abstain) \| (\d+) \|", body, flags=re.M))
    if not heading or not rule or len(counts) != 3:
        return ["Warden's vote comment does not state the result."]
    tally = ", ".join(f"{counts[k]} {k}" for k in ("for", "against", "abstain"))
    cast = int(counts["for"]) + int(counts["against"])
    return [
        f"Warden's tally: {tally}; {counts['for']} of {cast} votes cast are for.",
        f"Rule: {rule.group(1)}",
        f"Result, as Warden's vote comment now says: {heading.group(1)}.",
    ]
