"""What roster sync costs: GitHub requests of a membership event and of a reconcile.

Run: ``.venv/bin/python benchmarks/roster_sync.py [--members 30] [--via commit]``. Warden
runs against the sandbox GitHub with a PSRT-shaped team of N members (two admins, a
release manager) whose public list is right. In the same run: a reconcile with Warden's
ETag cache emptied (the baseline: the same reconcile without conditional requests), a
reconcile with nothing to change, a reconcile that finds one member gone (missed webhook),
and one `membership.removed` webhook processed end to end. Printed per pass: requests, how
many were answered 304 (no rate limit used), writes, and the primary rate limit used.
Exits 1 if a request broke GitHub's REST contract.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.features.orgconfig import current_config  # noqa: E402
from app.features.roster import reconcile_org  # noqa: E402
from app.features.roster.listfile import Row, render_list  # noqa: E402
from app.platform.clock import Clock  # noqa: E402
from benchmarks.requests import Pass, forget_etags, in_sandbox, pass_of, report  # noqa: E402
from sandbox import Sandbox  # noqa: E402
from tests.harness import Stack, running  # noqa: E402
from tests.roster_world import (  # noqa: E402
    MAINTAINERS,
    MEMBERS,
    ORG,
    PUBLIC,
    ROSTER_REPO,
    config_text,
    install,
    row,
    seed,
    settled,
)


def grow(sb: Sandbox, members: int) -> list[str]:
    """Add members to the seeded team (and to the list) until it has ``members``."""
    extra = [f"member{n:03}" for n in range(members - len(MAINTAINERS + MEMBERS))]
    for login in extra:
        sb.add_user(login, f"Member {login[-3:]}")
        sb.world.org(ORG).members[login] = "member"
        sb.world.team(ORG, "psrt").members[login] = "member"
    rows = [row(x) for x in MAINTAINERS + MEMBERS] + [Row(f"Member {x[-3:]}", x) for x in extra]
    sb.repo(ORG, ROSTER_REPO).commits[sb.repo(ORG, ROSTER_REPO).branches["main"]].tree[PUBLIC] = (
        render_list(rows, "csv")
    )
    return extra


async def reconcile(stack: Stack, installation_id: int) -> Pass:
    inst = stack.installation(installation_id, ORG)
    config = await current_config(inst)
    assert config is not None
    stack.sb.reset_recording()
    before = stack.sb.rate_limit_remaining(installation_id)
    await reconcile_org(inst.configured(config))
    return pass_of(stack.sb, installation_id, before)


async def measure(sb: Sandbox, clock: Clock, tmp: Path, members: int, via: str) -> list[Pass]:
    seed(sb, config_text(via=via))
    extra = grow(sb, members)
    async with running(sb, clock, tmp) as stack:
        installation_id = await install(stack)
        await reconcile(stack, installation_id)  # warms the ETag cache
        forget_etags(stack, installation_id)
        passes = [await reconcile(stack, installation_id)]
        passes.append(await reconcile(stack, installation_id))
        url, sb.webhook_url = sb.webhook_url, None  # a missed webhook
        await sb.remove_team_member(ORG, "psrt", extra[0], sender="alice")
        sb.webhook_url = url
        passes.append(await reconcile(stack, installation_id))
        sb.reset_recording()
        before = sb.rate_limit_remaining(installation_id)
        await sb.remove_team_member(ORG, "psrt", extra[1], sender="alice")
        await settled(stack)
        passes.append(pass_of(sb, installation_id, before))
        return passes


async def run(members: int, via: str) -> int:
    passes, problems = await in_sandbox(partial(measure, members=members, via=via))
    titles = (
        f"baseline: a reconcile of {members} members without ETags, nothing to change",
        f"a reconcile of {members} members, nothing to change",
        f"a reconcile of {members} members, one gone (via {via})",
        f"one membership.removed webhook, end to end (via {via})",
    )
    return report(titles, passes, problems, ratio=(1, 0))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--via", choices=("commit", "pull_request"), default="commit")
    args = parser.parse_args()
    return asyncio.run(run(args.members, args.via))


if __name__ == "__main__":
    sys.exit(main())
