"""What the advisory sweep costs: GitHub requests of a sweep over N unchanged advisories.

Run: ``.venv/bin/python benchmarks/advisory_sweep.py [--advisories 50]``. Warden runs
against the sandbox GitHub; N reports arrive (and are taken in by their webhooks), then
the sweep runs once with Warden's ETag cache emptied (the baseline: what a sweep without
conditional requests costs) and twice more over the unchanged advisories. Printed per pass:
requests, how many were answered 304 (conditional requests, no rate limit used), writes,
and the unchanged sweep's cost as a ratio of the baseline's.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.clock import Clock  # noqa: E402
from sandbox import Sandbox  # noqa: E402
from tests.advisory_world import CPY, ORG, report, seed, sweep  # noqa: E402
from tests.harness import start_stack  # noqa: E402


@dataclass(frozen=True)
class Pass:
    """The GitHub requests of one sweep."""

    requests: int
    not_modified: int
    writes: int
    rate_limit_used: int
    by_route: dict[str, int]


def _pass(sb: Sandbox, installation_id: int, before: int) -> Pass:
    made = sb.requests
    routes = Counter(f"{r.operation or r.method + ' ' + r.path} {r.status}" for r in made)
    return Pass(
        requests=len(made),
        not_modified=sum(1 for r in made if r.status == 304),
        writes=sum(1 for r in made if r.method != "GET"),
        rate_limit_used=before - sb.rate_limit_remaining(installation_id),
        by_route=dict(routes),
    )


async def measure(
    sb: Sandbox, clock: Clock, tmp_path: Path, advisories: int, drafts: int = 0
) -> list[Pass]:
    """Report ``advisories`` reports (``drafts`` of them accepted, with a fix in their private
    fork), sweep until nothing changes, then sweep once without ETags (the baseline) and
    twice with them; the figures of the last report's intake and of the three passes."""
    installation_id = seed(sb)
    stack = await start_stack(sb, clock, tmp_path)
    try:
        intake = None
        for n in range(advisories):
            tag = "[ACCEPT] " if n < drafts else ""
            sb.reset_recording()
            before = sb.rate_limit_remaining(installation_id)
            ghsa = await report(stack, summary=f"{tag}report {n}")
            intake = _pass(sb, installation_id, before)
            fork = sb.core.world.advisory(sb.repo(ORG, CPY), ghsa).private_fork
            if fork is not None:
                files = {"Lib/tarfile.py": f"# fix {n}\n"}
                name = fork.split("/")[1]
                await sb.open_pull_request(ORG, name, "bob", "Fix", "fix", files=files)
        await sweep(stack, installation_id)  # experts from the fork pull requests
        passes = [intake] if intake is not None else []
        for cold in (True, False, False):
            if cold:  # the baseline: the same sweep without Warden's ETags
                stack.ctx.github.installation_client(installation_id).etags.clear()  # type: ignore[union-attr]
            sb.reset_recording()
            before = sb.rate_limit_remaining(installation_id)
            assert await sweep(stack, installation_id) == advisories
            passes.append(_pass(sb, installation_id, before))
        return passes
    finally:
        await stack.server.close()


async def run(advisories: int, drafts: int) -> int:
    sb = Sandbox(clock=Clock())
    await sb.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            passes = await measure(sb, sb.clock, Path(tmp), advisories, drafts)
    finally:
        await sb.stop()
    problems = [*map(str, sb.violations), *sb.payload_problems]
    for problem in problems:  # figures of requests GitHub would refuse would mean nothing
        print(f"contract problem: {problem}", file=sys.stderr)
    titles = (
        "intake of the last report (webhook)",
        f"baseline: a sweep over {advisories} advisories ({drafts} drafts with a fork PR) "
        "without ETags",
        f"first sweep over {advisories} unchanged advisories",
        f"second sweep over {advisories} unchanged advisories",
    )
    for name, figures in zip(titles, passes, strict=True):
        print(
            f"{name}: {figures.requests} requests, "
            f"{figures.not_modified} answered 304, {figures.writes} writes, "
            f"{figures.rate_limit_used} counted against the rate limit"
        )
        for route, count in sorted(figures.by_route.items()):
            print(f"    {count:4d}  {route}")
    baseline, warm = passes[-3], passes[-1]
    print(
        f"unchanged sweep / baseline: {warm.requests}/{baseline.requests} requests, "
        f"{warm.rate_limit_used}/{baseline.rate_limit_used} counted against the rate limit"
    )
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--advisories", type=int, default=50)
    parser.add_argument("--drafts", type=int, default=0, help="how many are drafts with a fix")
    args = parser.parse_args()
    return asyncio.run(run(args.advisories, args.drafts))


if __name__ == "__main__":
    sys.exit(main())
