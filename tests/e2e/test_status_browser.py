"""The status page as a person sees it: Debian's chromium, headless, driven by Playwright
(never a browser download), at a desktop width and a phone's, with screenshots kept."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import pytest

from app.platform.clock import Clock
from sandbox import Sandbox
from tests import artefacts
from tests.harness import Stack, running
from tests.nomination_world import nominate, react, seed, settled

CHROMIUM = os.environ.get("WARDEN_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
EMBARGOED = ("ssl: secret bug", "SECRET-DETAILS", "grace", "psrt-governance", "GHSA-")


def _missing_browser() -> str | None:
    if not shutil.which(CHROMIUM):
        return f"{CHROMIUM} is missing (`make test` installs Debian's chromium)"
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "the playwright package is missing (`make test` installs it)"
    return None


Open = Callable[..., Awaitable[Any]]


@pytest.fixture
async def browser(tmp_path: Path) -> AsyncIterator[Open]:
    """``await browser(url, **device)``: a page in a fresh headless chromium (its own profile
    folder each time). In CI a missing browser fails the test instead of skipping it."""
    missing = _missing_browser()
    if missing:
        if os.environ.get("CI") or os.environ.get("WARDEN_REQUIRE_POSTGRES"):
            pytest.fail(missing)
        pytest.skip(missing)
    from playwright.async_api import async_playwright

    async with async_playwright() as driver, AsyncExitStack() as opened:
        profiles = itertools.count(1)

        async def open_page(url: str, **device: Any) -> Any:
            profile = tmp_path / f"chromium-profile-{next(profiles)}"
            context = await driver.chromium.launch_persistent_context(
                str(profile), executable_path=CHROMIUM, headless=True, args=ARGS, **device
            )
            opened.push_async_callback(context.close)
            page = context.pages[0] if context.pages else await context.new_page()
            await page.goto(url)
            return page

        yield open_page


async def seeded(stack: Stack, sandbox: Sandbox) -> None:
    """An open vote with a tally, and an embargoed advisory that must not show."""
    number = await nominate(stack)
    react(sandbox, number, alice="+1", bob="+1", carol="-1")
    await sandbox.report_advisory(
        "python", "psrt-governance", "mallory", "ssl: secret bug", "SECRET-DETAILS"
    )
    await settled(stack)


async def test_the_status_page_in_a_real_browser_on_a_desktop_and_a_phone(
    sandbox: Sandbox, clock: Clock, tmp_path: Path, browser: Open
) -> None:
    seed(sandbox)
    async with running(sandbox, clock, tmp_path) as stack:
        await seeded(stack, sandbox)
        url = str(stack.server.make_url("/"))
        desktop = await browser(url, viewport={"width": 1280, "height": 900})
        assert await desktop.title() == "Warden"
        assert await desktop.get_by_role("heading", name="python / psrt").is_visible()
        text = await desktop.inner_text("body")
        assert "2 for, 1 against, 0 abstain, of 6 voters" in text
        assert "1 open, 0 past their deadline." in text
        for secret in EMBARGOED:
            assert secret not in text and secret not in await desktop.content()
        await desktop.screenshot(path=artefacts.keep("status-page-desktop.png"), full_page=True)

        phone = await browser(url, viewport=PHONE, is_mobile=True, device_scale_factor=2)
        widths = await phone.evaluate(
            "[window.innerWidth, document.documentElement.scrollWidth,"
            " parseFloat(getComputedStyle(document.body).fontSize)]"
        )
        assert widths[0] == PHONE["width"]  # laid out for the phone, not zoomed out
        assert widths[1] <= PHONE["width"]  # nothing to scroll sideways
        assert widths[2] >= 16  # readable text
        shot = artefacts.keep("status-page-390px.png")
        await phone.screenshot(path=shot, full_page=True)
        assert shot.stat().st_size > 1000
        print(f"status page screenshot: {shot}")
