"""What the sweep benchmarks share: counting Warden's GitHub requests of one pass, and
printing them against a baseline measured in the same run."""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.platform.clock import Clock
from sandbox import Sandbox
from tests.harness import Stack


@dataclass(frozen=True)
class Pass:
    """The GitHub requests of one pass."""

    requests: int
    not_modified: int
    writes: int
    rate_limit_used: int
    by_route: dict[str, int]


def pass_of(sb: Sandbox, installation_id: int, before: int) -> Pass:
    """The requests recorded since ``sb.reset_recording()``; ``before``: the rate limit
    left then."""
    made = sb.requests
    routes = Counter(f"{r.operation or r.method + ' ' + r.path} {r.status}" for r in made)
    return Pass(
        requests=len(made),
        not_modified=sum(1 for r in made if r.status == 304),
        writes=sum(1 for r in made if r.method != "GET"),
        rate_limit_used=before - sb.rate_limit_remaining(installation_id),
        by_route=dict(routes),
    )


def forget_etags(stack: Stack, installation_id: int) -> None:
    """Empty Warden's ETag cache: the next pass is the baseline without conditional requests."""
    stack.ctx.github.installation_client(installation_id).etags.clear()  # type: ignore[union-attr]


Measure = Callable[[Sandbox, Clock, Path], Awaitable[list[Pass]]]


async def in_sandbox(measure: Measure) -> tuple[list[Pass], list[str]]:
    """Run ``measure`` against a fresh sandbox; its passes and any contract problems."""
    sb = Sandbox(clock=Clock())
    await sb.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            passes = await measure(sb, sb.clock, Path(tmp))
    finally:
        await sb.stop()
    return passes, [*map(str, sb.violations), *sb.payload_problems]


def report(
    titles: Sequence[str], passes: Sequence[Pass], problems: Sequence[str], ratio: tuple[int, int]
) -> int:
    """Print each pass and ``ratio`` (unchanged pass, baseline pass); 1 if a request broke
    GitHub's REST contract (figures of requests GitHub would refuse would mean nothing)."""
    for problem in problems:
        print(f"contract problem: {problem}", file=sys.stderr)
    for name, figures in zip(titles, passes, strict=True):
        print(
            f"{name}: {figures.requests} requests, {figures.not_modified} answered 304, "
            f"{figures.writes} writes, {figures.rate_limit_used} counted against the rate limit"
        )
        for route, count in sorted(figures.by_route.items()):
            print(f"    {count:4d}  {route}")
    warm, baseline = passes[ratio[0]], passes[ratio[1]]
    print(
        f"unchanged / baseline: {warm.requests}/{baseline.requests} requests, "
        f"{warm.rate_limit_used}/{baseline.rate_limit_used} counted against the rate limit"
    )
    return 1 if problems else 0
