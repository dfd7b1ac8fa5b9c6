"""What one advisory costs from report to publication: GitHub and CVE Services requests.

Run: ``.venv/bin/python benchmarks/advisory_lifecycle.py``. Warden runs against the sandbox
GitHub and the simulated CVE Services with ``cve: cna`` and both publish targets (an OSV
record by pull request, one downstream repository). One report goes through: intake
(webhook), accepted (``[ACCEPT]``, found by the sweep: draft, fork, CVE ID), a fix pull
request with an approving review (sweep: credits, experts, checklist), publication (webhook:
credits, announcement, OSV pull request, downstream issue, tracking issue closed), then a
sweep with nothing to do. Printed per step: GitHub requests (answered 304, writes) and CVE
Services requests; exits 1 if a request broke either contract.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.platform.clock import Clock  # noqa: E402
from benchmarks.requests import Pass, pass_of  # noqa: E402
from sandbox import Sandbox  # noqa: E402
from sandbox.cve_services import CveServices  # noqa: E402
from tests.advisory_world import ORG, settled, sweep  # noqa: E402
from tests.cna_world import PRIVATE, running_cna  # noqa: E402
from tests.flows.test_advisories_publication import world  # noqa: E402
from tests.sandbox_fixtures import CNA, CNA_KEY, CNA_USER  # noqa: E402

T = TypeVar("T")
STEPS = (
    "report (webhook)",
    "accepted (sweep: draft, fork, CVE ID)",
    "fix and review in the fork (sweep)",
    "published (webhook)",
    "sweep with nothing to do",
)


async def lifecycle(
    sb: Sandbox, cs: CveServices, clock: Clock, tmp: Path
) -> list[tuple[Pass, int]]:
    """(GitHub pass, CVE Services requests) of each step in ``STEPS``."""
    installation_id = world(sb)
    steps: list[tuple[Pass, int]] = []
    async with running_cna(sb, cs, clock, tmp) as stack:
        await sweep(stack, installation_id)  # the config and the team read once, as in a
        await settled(stack)  # running deployment, before the report arrives

        async def step(action: Awaitable[T]) -> T:
            sb.reset_recording()
            calls = len(cs.calls)
            before = sb.rate_limit_remaining(installation_id)
            result = await action
            await settled(stack)
            steps.append((pass_of(sb, installation_id, before), len(cs.calls) - calls))
            return result

        ghsa = await step(sb.report_advisory(ORG, PRIVATE, "mallory", "XSS", description="S"))
        sb.edit_advisory(ORG, PRIVATE, ghsa, title="[ACCEPT] XSS in the admin page")
        await step(sweep(stack, installation_id))
        fork = (sb.core.world.advisory(sb.repo(ORG, PRIVATE), ghsa).private_fork or "").split("/")[
            1
        ]
        pull = await sb.open_pull_request(
            ORG, fork, "fiona", "Fix", "fix", files={"web/app.py": "x\n"}
        )
        sb.review_pull_request(ORG, fork, pull, "carol")
        await step(sweep(stack, installation_id))
        await sb.merge_pull_request(ORG, fork, pull, "fiona")
        await step(sb.publish_advisory(ORG, PRIVATE, ghsa))
        await step(sweep(stack, installation_id))
    return steps


async def run() -> int:
    sb = Sandbox(clock=Clock())
    clock = sb.clock
    cs = CveServices(clock)
    cs.add_cna(CNA, CNA_USER, CNA_KEY)
    await sb.start()
    await cs.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            steps = await lifecycle(sb, cs, clock, Path(tmp))
    finally:
        await cs.stop()
        await sb.stop()
    problems = [*map(str, sb.violations), *sb.payload_problems, *cs.violations, *cs.bad_answers]
    for problem in problems:
        print(f"contract problem: {problem}", file=sys.stderr)
    total = [0, 0, 0, 0, 0]
    for name, (p, cve) in zip(STEPS, steps, strict=True):
        print(
            f"{name}: {p.requests} GitHub requests ({p.not_modified} answered 304, "
            f"{p.writes} writes, {p.rate_limit_used} counted), {cve} CVE Services requests"
        )
        for route, count in sorted(p.by_route.items()):
            print(f"    {count:4d}  {route}")
        for i, v in enumerate((p.requests, p.not_modified, p.writes, p.rate_limit_used, cve)):
            total[i] += v
    print(
        f"report to publication: {total[0]} GitHub requests ({total[1]} answered 304, "
        f"{total[2]} writes, {total[3]} counted against the rate limit), "
        f"{total[4]} CVE Services requests"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(run()))
