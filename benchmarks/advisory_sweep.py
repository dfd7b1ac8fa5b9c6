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
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.platform.clock import Clock  # noqa: E402
from benchmarks.requests import Pass, forget_etags, in_sandbox, pass_of, report  # noqa: E402
from sandbox import Sandbox  # noqa: E402
from tests.advisory_world import CPY, ORG, seed, sweep  # noqa: E402
from tests.advisory_world import report as report_advisory  # noqa: E402
from tests.harness import running  # noqa: E402


async def measure(
    sb: Sandbox, clock: Clock, tmp_path: Path, advisories: int, drafts: int = 0
) -> list[Pass]:
    """Report ``advisories`` reports (``drafts`` of them accepted, with a fix in their private
    fork), sweep until nothing changes, then sweep once without ETags (the baseline) and
    twice with them; the figures of the last report's intake and of the three passes."""
    installation_id = seed(sb)
    if advisories > 500:  # the intake of so many reports needs a large installation's limit
        sb.gateway.limits.limit = 12_500  # (GitHub's highest); the sweeps are what is measured
    async with running(sb, clock, tmp_path) as stack:
        intake = None
        for n in range(advisories):
            tag = "[ACCEPT] " if n < drafts else ""
            sb.reset_recording()
            before = sb.rate_limit_remaining(installation_id)
            ghsa = await report_advisory(stack, summary=f"{tag}report {n}")
            intake = pass_of(sb, installation_id, before)
            fork = sb.core.world.advisory(sb.repo(ORG, CPY), ghsa).private_fork
            if fork is not None:
                files: dict[str, str | None] = {"Lib/tarfile.py": f"# fix {n}\n"}
                name = fork.split("/")[1]
                await sb.open_pull_request(ORG, name, "bob", "Fix", "fix", files=files)
        await sweep(stack, installation_id)  # experts from the fork pull requests
        passes = [intake] if intake is not None else []
        for cold in (True, False, False):
            if cold:
                forget_etags(stack, installation_id)
            sb.reset_recording()
            before = sb.rate_limit_remaining(installation_id)
            assert await sweep(stack, installation_id) == advisories
            passes.append(pass_of(sb, installation_id, before))
        return passes


async def run(advisories: int, drafts: int) -> int:
    passes, problems = await in_sandbox(partial(measure, advisories=advisories, drafts=drafts))
    titles = (
        "intake of the last report (webhook)",
        f"baseline: a sweep over {advisories} advisories ({drafts} drafts with a fork PR) "
        "without ETags",
        f"first sweep over {advisories} unchanged advisories",
        f"second sweep over {advisories} unchanged advisories",
    )
    return report(titles, passes, problems, ratio=(-1, -3))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--advisories", type=int, default=50)
    parser.add_argument("--drafts", type=int, default=0, help="how many are drafts with a fix")
    args = parser.parse_args()
    return asyncio.run(run(args.advisories, args.drafts))


if __name__ == "__main__":
    sys.exit(main())
