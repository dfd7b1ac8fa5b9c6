"""CVE IDs from the organisation's own CNA (`advisories.cve: cna`): exactly one per advisory,
in private repositories too, across sweeps, crashes and replicas; trouble said and retried."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.features.advisories import cna, cna_records
from app.platform.clock import Clock
from sandbox import Sandbox
from sandbox.cve_services import CveServices
from tests.advisory_world import ORG, advisory, comments, sweep, tracking_issue, writes
from tests.cna_world import PRIVATE, accept, reservations, running_cna, seed_cna


async def test_accept_in_a_private_repo_reserves_one_cve_from_the_cna(
    sandbox: Sandbox, cve_services: CveServices, clock: Clock, tmp_path: Path
) -> None:
    installation_id = seed_cna(sandbox)
    async with running_cna(sandbox, cve_services, clock, tmp_path) as stack:
        ghsa = await accept(stack)
        adv = advisory(sandbox, ghsa, PRIVATE)
        [reserved] = cve_services.reserved("PSF")
        assert adv.state == "draft" and adv.cve_id == reserved.cve_id
        assert reserved.cve_id.startswith(f"CVE-{clock.now().year}-")
        [call] = [c for c in cve_services.calls if c.method == "POST"]
        assert call.query == {"amount": "1", "cve_year": str(clock.now().year), "short_name": "PSF"}
        assert (call.org, call.user) == ("PSF", "psrt-bot@python.org")
        for _ in range(3):
            await sweep(stack, installation_id)
        assert reservations(cve_services) == 1
        assert not any(w.endswith("/cve") for w in writes(sandbox))  # not GitHub's CNA
        entries = await stack.ctx.store.audit_entries(f"{ORG}/{PRIVATE}/{ghsa}")
        assert [e.detail for e in entries if e.kind == "advisory.cve"] == [
            {"cve": reserved.cve_id, "cna": "PSF"}
        ]


async def test_a_crash_between_the_reservation_and_the_patch_reuses_the_id(
    sandbox: Sandbox,
    cve_services: CveServices,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    installation_id = seed_cna(sandbox)
    async with running_cna(sandbox, cve_services, clock, tmp_path) as stack:
        ghsa = await accept(stack, summary="XSS")  # in triage: nothing to reserve yet
        sandbox.edit_advisory(ORG, PRIVATE, ghsa, title="[ACCEPT] XSS")
        patch = cna.apply_patch

        async def dies_before_the_patch(*args: Any) -> Any:
            raise OSError("the process died")  # the ID is reserved and recorded, not written

        monkeypatch.setattr(cna, "apply_patch", dies_before_the_patch)
        with pytest.raises(OSError):
            await sweep(stack, installation_id)
        assert advisory(sandbox, ghsa, PRIVATE).cve_id is None
        monkeypatch.setattr(cna, "apply_patch", patch)
        await sweep(stack, installation_id)  # the restart
        [reserved] = cve_services.reserved("PSF")
        assert advisory(sandbox, ghsa, PRIVATE).cve_id == reserved.cve_id
        assert reservations(cve_services) == 1


async def test_an_id_reserved_but_never_recorded_is_adopted_not_reserved_again(
    sandbox: Sandbox,
    cve_services: CveServices,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    installation_id = seed_cna(sandbox)
    async with running_cna(sandbox, cve_services, clock, tmp_path) as stack:
        other = await accept(stack, summary="[ACCEPT] another one")  # holds the PSF's first ID
        ghsa = await accept(stack, summary="XSS")
        sandbox.edit_advisory(ORG, PRIVATE, ghsa, title="[ACCEPT] XSS")
        save = cna_records.save

        async def dies_when_the_answer_comes(store: Any, r: cna_records.Reservation) -> None:
            if r.cve_id is not None and r.ghsa_id.upper() == ghsa.upper():
                raise OSError("the process died")  # CVE Services reserved it; nobody knows
            await save(store, r)

        monkeypatch.setattr(cna_records, "save", dies_when_the_answer_comes)
        with pytest.raises(OSError):
            await sweep(stack, installation_id)
        monkeypatch.setattr(cna_records, "save", save)
        await sweep(stack, installation_id)
        assert reservations(cve_services) == 2  # one each: the lost answer was found again
        assert cve_services.count("GET", "/cve-id") == 1
        ids = {advisory(sandbox, g, PRIVATE).cve_id for g in (ghsa, other)}
        assert ids == {c.cve_id for c in cve_services.reserved("PSF")} and None not in ids


@pytest.mark.parametrize(
    ("status", "error", "wait", "said"),
    [
        (403, "EXCEEDED_ID_QUOTA", 3600, "the CNA's ID quota is used up (403 EXCEEDED_ID_QUOTA)"),
        (401, "UNAUTHORIZED", 3600, "refused Warden's credentials (401 UNAUTHORIZED)"),
        (503, "SERVICE_UNAVAILABLE", 0, "did not answer properly (503 SERVICE_UNAVAILABLE)"),
    ],
)
async def test_cve_services_trouble_is_said_once_in_the_tracking_issue_and_retried(
    sandbox: Sandbox,
    cve_services: CveServices,
    clock: Clock,
    tmp_path: Path,
    status: int,
    error: str,
    wait: int,
    said: str,
) -> None:
    installation_id = seed_cna(sandbox)
    async with running_cna(sandbox, cve_services, clock, tmp_path) as stack:
        cve_services.fail("POST", "/cve-id", status, error)
        ghsa = await accept(stack)
        issue = tracking_issue(sandbox, ghsa)
        problems = [c for c in comments(sandbox, issue) if "warden:cna" in c]
        assert len(problems) == 1 and said in problems[0] and "SECRET" not in problems[0]
        assert advisory(sandbox, ghsa, PRIVATE).cve_id is None
        clock.advance(max(wait - 1, 0))
        await sweep(stack, installation_id)  # an outage is asked again at the next sweep
        assert reservations(cve_services) == (2 if wait == 0 else 1)
        clock.advance(2)
        await sweep(stack, installation_id)
        [reserved] = cve_services.reserved("PSF")
        assert advisory(sandbox, ghsa, PRIVATE).cve_id == reserved.cve_id
        assert reservations(cve_services) == 2
        assert len([c for c in comments(sandbox, issue) if "warden:cna" in c]) == 1


async def test_without_credentials_the_tracking_issue_says_which_settings_to_set(
    sandbox: Sandbox, cve_services: CveServices, clock: Clock, tmp_path: Path
) -> None:
    seed_cna(sandbox)
    async with running_cna(sandbox, cve_services, clock, tmp_path, cve_api_key=None) as stack:
        ghsa = await accept(stack)
        [problem] = [c for c in comments(sandbox, tracking_issue(sandbox, ghsa)) if "cna" in c]
        assert "no CVE Services credentials" in problem and "CVE_API_KEY" in problem
        assert reservations(cve_services) == 0
