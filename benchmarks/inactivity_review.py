"""What one yearly inactivity review costs in GitHub requests.

Run: ``.venv/bin/python benchmarks/inactivity_review.py [--members 30] [--advisories 40]
[--comments 3]``. Warden runs against the sandbox GitHub with a PSRT-shaped team of N
members, a release managers team (exempt) and a year of history: A advisories of the org
each crediting a member as coordinator, each with a tracking issue in the governance
repository carrying C comments by members. In the same run: the review as PEP 811 counts
activity (``count: [advisories]``) and the widest review (``count: [advisories,
nominations, votes]``), each opening the review issue. Printed per pass: requests, writes,
the primary rate limit used, and requests by route. Exits 1 if a request broke GitHub's
REST contract.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.features.offboarding import records  # noqa: E402
from app.features.offboarding.review import open_review  # noqa: E402
from app.features.orgconfig import configured  # noqa: E402
from app.github import labels  # noqa: E402
from app.platform.clock import Clock  # noqa: E402
from benchmarks.requests import Pass, in_sandbox, pass_of  # noqa: E402
from benchmarks.roster_sync import grow  # noqa: E402
from sandbox import Sandbox  # noqa: E402
from tests.harness import Stack, running  # noqa: E402
from tests.offboarding_world import GOV, ORG, config, credit_coordinator, seed  # noqa: E402
from tests.roster_world import install  # noqa: E402


async def history(sb: Sandbox, logins: list[str], advisories: int, comments: int) -> None:
    """A year of advisories and tracking-issue comments, spread over the members."""
    for n in range(advisories):
        credit_coordinator(sb, logins[n % len(logins)], days_ago=10 + n * 300 / advisories)
        number = await sb.open_issue(ORG, GOV, "alice", f"Tracking {n}", "", [labels.ADVISORY])
        for k in range(comments):
            await sb.comment(ORG, GOV, number, logins[(n + k) % len(logins)], "Looking.")


async def one_review(stack: Stack, installation_id: int) -> Pass:
    org = await configured(stack.installation(installation_id, ORG))
    assert org is not None
    stack.sb.reset_recording()
    before = stack.sb.rate_limit_remaining(installation_id)
    await open_review(org, None)
    figures = pass_of(stack.sb, installation_id, before)
    await stack.ctx.store.execute("DELETE FROM inactivity_reviews")
    assert await records.latest(stack.ctx.store, installation_id) is None
    return figures


async def measure(
    sb: Sandbox, clock: Clock, tmp: Path, members: int, advisories: int, comments: int
) -> list[Pass]:
    passes: list[Pass] = []
    for count in ("[advisories]", "[advisories, nominations, votes]"):
        text = config().replace("grace: 14d}", f"grace: 14d, count: {count}}}")
        fresh = Sandbox(clock=clock) if passes else sb
        if passes:
            await fresh.start()
        seed(fresh, text)
        active = ["alice", "grace", "bob", "erin", "frank", *grow(fresh, members)[: members // 2]]
        await history(fresh, active, advisories, comments)
        async with running(fresh, clock, tmp / str(len(passes))) as stack:
            installation_id = await install(stack)
            passes.append(await one_review(stack, installation_id))
        if fresh is not sb:
            await fresh.stop()
    return passes


async def run(members: int, advisories: int, comments: int) -> int:
    passes, problems = await in_sandbox(
        partial(measure, members=members, advisories=advisories, comments=comments)
    )
    for problem in problems:
        print(f"contract problem: {problem}", file=sys.stderr)
    titles = (
        f"yearly review of {members} members, count: [advisories] "
        f"({advisories} advisories, {advisories} tracking issues x {comments} comments)",
        "the same review, count: [advisories, nominations, votes]",
    )
    for title, figures in zip(titles, passes, strict=True):
        print(
            f"{title}: {figures.requests} requests, {figures.writes} writes, "
            f"{figures.rate_limit_used} counted against the rate limit"
        )
        for route, count in sorted(figures.by_route.items()):
            print(f"    {count:4d}  {route}")
    first = passes[0]
    print(f"requests per member: {first.requests / members:.2f}")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--advisories", type=int, default=40)
    parser.add_argument("--comments", type=int, default=3)
    args = parser.parse_args()
    return asyncio.run(run(args.members, args.advisories, args.comments))


if __name__ == "__main__":
    sys.exit(main())
