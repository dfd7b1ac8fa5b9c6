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
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.platform.clock import Clock  # noqa: E402
from benchmarks.requests import Pass, forget_etags, in_sandbox, pass_of, report  # noqa: E402
from sandbox import Sandbox  # noqa: E402
from tests.harness import running  # noqa: E402
from tests.nomination_world import nominate, react, seed, sweep  # noqa: E402


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
                forget_etags(stack, installation_id)
            if step == "one reaction":
                react(sb, numbers[0], alice="+1")
            sb.reset_recording()
            before = sb.rate_limit_remaining(installation_id)
            await sweep(stack)
            passes.append(pass_of(sb, installation_id, before))
        return passes


async def run(votes: int) -> int:
    passes, problems = await in_sandbox(partial(measure, votes=votes))
    titles = (
        f"baseline: a count of {votes} open votes without ETags",
        f"a count of {votes} unchanged open votes",
        f"a count of {votes} open votes, one with a new reaction",
    )
    return report(titles, passes, problems, ratio=(1, 0))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--votes", type=int, default=20)
    args = parser.parse_args()
    return asyncio.run(run(args.votes))


if __name__ == "__main__":
    sys.exit(main())
