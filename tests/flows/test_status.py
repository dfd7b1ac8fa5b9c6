"""The public status page: members, open votes and advisory counts, and nothing embargoed."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from app.features.status.page import TTL
from app.platform.clock import Clock
from sandbox import Sandbox
from tests.harness import Stack, running
from tests.nomination_world import nominate, react, seed, settled


async def page(stack: Stack) -> str:
    url = str(stack.server.make_url("/"))
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        assert response.status == 200
        return await response.text()


async def test_status_page_shows_members_votes_and_counts_but_no_nominee_or_advisory(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        number = await nominate(stack)
        react(sandbox, number, alice="+1", bob="+1", carol="-1")
        ghsa = await sandbox.report_advisory(
            "python", "psrt-governance", "mallory", "ssl: secret bug", "SECRET-DETAILS"
        )
        await settled(stack)
        body = await page(stack)
        assert "<h2>python / psrt</h2>" in body
        assert "<li>@alice (admin)</li>" in body and "<li>@frank</li>" in body
        assert "2 for, 1 against, 0 abstain, of 6 voters" in body
        year = clock.now().year
        assert f"<tr><td>{year}</td><td>1</td><td>0</td></tr>" in body
        assert "1 open, 0 past their deadline." in body
        for secret in ("grace", ghsa, "ssl: secret bug", "SECRET-DETAILS", "psrt-governance"):
            assert secret not in body


async def test_status_page_is_recomputed_at_most_once_per_ttl(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        await nominate(stack)
        await page(stack)
        sandbox.reset_recording()
        for _ in range(5):
            await page(stack)
        assert sandbox.requests == []
        sandbox.world.team("python", "psrt").members["heidi"] = "member"
        clock.advance(TTL)
        assert "<li>@heidi</li>" in await page(stack)


async def test_status_page_counts_advisories_past_their_deadline_without_naming_them(
    sandbox: Sandbox, clock: Clock, tmp_path: Path
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        ghsa = await sandbox.report_advisory("python", "psrt-governance", "mallory", "ssl bug")
        await settled(stack)
        clock.advance(91 * 86400.0)  # the default deadline is 90 days
        body = await page(stack)
        assert "1 open, 1 past their deadline." in body
        assert ghsa not in body and "ssl bug" not in body
