"""Two Warden replicas on one PostgreSQL database: an advisory accepted while both sweep gets
one CVE ID from the CNA, not two (they take turns through the store's named lock)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from app.platform.clock import Clock
from sandbox import Sandbox
from sandbox.cve_services import CveServices
from tests.advisory_world import ORG, advisory, settled, sweep
from tests.cna_world import PRIVATE, cna_settings, reservations, seed_cna
from tests.harness import running

pytestmark = pytest.mark.slow


async def test_two_replicas_sweeping_one_accepted_advisory_reserve_one_cve(
    sandbox: Sandbox, cve_services: CveServices, clock: Clock, tmp_path: Path, pg_schema_url: str
) -> None:
    installation_id = seed_cna(sandbox)
    options = {**cna_settings(cve_services), "database_url": pg_schema_url}
    async with (
        running(sandbox, clock, tmp_path / "a", **options) as receiver,
        running(sandbox, clock, tmp_path / "b", **options) as sweeper,
    ):
        ghsa = await sandbox.report_advisory(ORG, PRIVATE, "mallory", "XSS", description="S")
        await settled(receiver)
        sandbox.edit_advisory(ORG, PRIVATE, ghsa, title="[ACCEPT] XSS")
        cve_services.delay = 0.3  # whoever reserves holds the advisory a while
        await asyncio.gather(sweep(receiver, installation_id), sweep(sweeper, installation_id))
        await asyncio.gather(sweep(receiver, installation_id), sweep(sweeper, installation_id))
        assert reservations(cve_services) == 1
        [reserved] = cve_services.reserved("PSF")
        assert advisory(sandbox, ghsa, PRIVATE).cve_id == reserved.cve_id
