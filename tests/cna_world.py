"""The PSRT world with `advisories.cve: cna`: a private repository, the PSF CNA, helpers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from app.platform.clock import Clock
from app.platform.settings import Secret
from sandbox import Sandbox
from sandbox.cve_services import CveServices
from tests.advisory_world import CONFIG, ORG, seed, settled
from tests.harness import Stack, running
from tests.sandbox_fixtures import CNA, CNA_KEY, CNA_USER

PRIVATE = "pyweb"  # a private repository: GitHub's CNA would refuse it a CVE
CNA_CONFIG = CONFIG + "  cve: cna\n  cna: {short_name: PSF, repos: all}\n"


def seed_cna(sb: Sandbox, config: str = CNA_CONFIG) -> int:
    installation_id = seed(sb, config)
    sb.add_repo(ORG, PRIVATE, private=True, files={"web/app.py": "# app\n"})
    return installation_id


def cna_settings(cs: CveServices, key: str = CNA_KEY) -> dict[str, Any]:
    """Warden's CVE Services settings (``CVE_API_URL``, ``_ORG``, ``_USER``, ``_KEY``)."""
    return {
        "cve_api_url": cs.url,
        "cve_api_org": CNA,
        "cve_api_user": CNA_USER,
        "cve_api_key": Secret(key),
    }


@asynccontextmanager
async def running_cna(
    sb: Sandbox, cs: CveServices, clock: Clock, tmp_path: Path, **options: Any
) -> AsyncIterator[Stack]:
    async with running(sb, clock, tmp_path, **{**cna_settings(cs), **options}) as stack:
        yield stack


async def accept(stack: Stack, repo: str = PRIVATE, summary: str = "[ACCEPT] XSS") -> str:
    """A report accepted at once (its title tag): Warden moves it to draft."""
    ghsa = await stack.sb.report_advisory(ORG, repo, "mallory", summary, description="SECRET")
    await settled(stack)
    return ghsa


def reservations(cs: CveServices) -> int:
    return cs.count("POST", "/cve-id")
