"""What the `votes` sweep costs: GitHub requests of a count over N open votes.

Run: ``.venv/bin/python benchmarks/vote_sweep.py [--votes 20]``. Warden runs against the
sandbox GitHub; N nominations are opened and counted once. Then, in the same run: a sweep
with Warden's ETag cache emptied (the baseline: the same count without conditional
requests), a sweep over the unchanged votes, and a sweep after one new reaction. Printed
per pass: requests, how many were answered 304 (no rate limit used), writes, and the
unchanged sweep's cost as a ratio of the baseline's. Exits 1 if a request broke GitHub's
REST contract.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.clock import Clock  # noqa: E402
from benchmarks.advisory_sweep import Pass  # noqa: E402
from sandbox import Sandbox  # noqa: E402
from tests.harness import running  # noqa: E402
from tests.nomination_world import nominate, react, seed, sweep  # noqa: E402


def _pass(sb: Sandbox, installation_id: int, before: int) -> Pass:
    made = sb.requests
    return Pass(
        requests=len(made),
        not_modified=sum(1 for r in made if r.status == 304),
        writes=sum(1 for r in made if r.method != "GET"),
        rate_limit_used=before - sb.rate_limit_remaining(installation_id),
        by_route=dict(Counter(f"{r.operation or r.method} {r.status}" for r in made)),
    )


async def measure(sb: Sandbox, clock: Clock, tmp_path: Path, votes: int) -> list[Pass]:
    """Open ``votes`` nominations, count them once, then the three passes."""
    installation_id = seed(sb)
    nominees = [f"nominee{n:03}" for n in range(votes)]
    for login in nominees:
        sb.add_user(login)
    async with running(sb, clock, tmp_path) as stack:
        numbers = [await nominate(stack, body=f"Nominee: @{login}") for login in nominees]
        await sweep(stack)
        passes = []
        for step in ("baseline", "unchanged", "one reaction"):
            if step == "baseline":
                stack.ctx.github.installation_client(installation_id).etags.clear()  # type: ignore[union-attr]
            if step == "one reaction":
                react(sb, numbers[0], alice="+1")
            sb.reset_recording()
            before = sb.rate_limit_remaining(installation_id)
            await sweep(stack)
            passes.append(_pass(sb, installation_id, before))
        return passes


async def run(votes: int) -> int:
    sb = Sandbox(clock=Clock())
    await sb.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            passes = await measure(sb, sb.clock, Path(tmp), votes)
    finally:
        await sb.stop()
    problems = [*map(str, sb.violations), *sb.payload_problems]
    for problem in problems:
        print(f"contract problem: {problem}", file=sys.stderr)
    titles = (
        f"baseline: a count of {votes} open votes without ETags",
        f"a count of {votes} unchanged open votes",
        f"a count of {votes} open votes, one with a new reaction",
    )
    for name, figures in zip(titles, passes, strict=True):
        print(
            f"{name}: {figures.requests} requests, {figures.not_modified} answered 304, "
            f"{figures.writes} writes, {figures.rate_limit_used} counted against the rate limit"
        )
        for route, count in sorted(figures.by_route.items()):
            print(f"    {count:4d}  {route}")
    baseline, warm = passes[0], passes[1]
    print(
        f"unchanged count / baseline: {warm.requests}/{baseline.requests} requests, "
        f"{warm.rate_limit_used}/{baseline.rate_limit_used} counted against the rate limit"
    )
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=20)
    args = parser.parse_args()
    return asyncio.run(run(args.votes))


if __name__ == "__main__":
    sys.exit(main())
