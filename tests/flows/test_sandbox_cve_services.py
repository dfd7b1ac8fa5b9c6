"""The simulated CVE Services answers as CVEProject/cve-services describes it, and Warden's
client speaks to it as documented: the three auth headers, one ID per reservation, errors
sorted into quota, credentials and outages, the key never shown."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from app.features.advisories.cna_client import CnaClient, CnaError
from app.platform.clock import Clock
from app.platform.settings import Secret, Settings
from sandbox.cve_services import CveServices
from tests.sandbox_fixtures import CNA, CNA_KEY, CNA_USER


def settings(cs: CveServices, key: str = CNA_KEY) -> Settings:
    return Settings(
        cve_api_url=cs.url, cve_api_org=CNA, cve_api_user=CNA_USER, cve_api_key=Secret(key)
    )


async def test_a_reservation_is_one_id_of_the_year_owned_by_the_cna(
    cve_services: CveServices, clock: Clock
) -> None:
    async with aiohttp.ClientSession() as session:
        client = CnaClient(settings(cve_services), session)
        got = await client.reserve(CNA, 2026)
        assert got.cve_id.startswith("CVE-2026-") and got.state == "RESERVED"
        assert got.user == CNA_USER and got.reserved_at == pytest.approx(clock.time(), abs=1)
        assert [r.cve_id for r in await client.reserved(2026)] == [got.cve_id]
        assert await client.get(got.cve_id) == got
        assert await client.get("CVE-2026-0001") is None
    assert cve_services.bad_answers == [] and cve_services.violations == []


async def test_quota_credentials_and_outages_are_told_apart_and_the_key_never_shows(
    cve_services: CveServices, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    cve_services.add_cna("TINY", "bot", "tiny-key", quota=1)
    tiny = Settings(
        cve_api_url=cve_services.url,
        cve_api_org="TINY",
        cve_api_user="bot",
        cve_api_key=Secret("tiny-key"),
    )
    async with aiohttp.ClientSession() as session:
        await CnaClient(tiny, session).reserve("TINY", 2026)
        kinds = []
        for client, fault in [
            (CnaClient(tiny, session), None),
            (CnaClient(settings(cve_services, key="wrong-key"), session), None),
            (CnaClient(settings(cve_services), session), 500),
        ]:
            if fault:
                cve_services.fail("POST", "/cve-id", fault, "INTERNAL_SERVER_ERROR")
            with pytest.raises(CnaError) as caught:
                await client.reserve(client._settings.cve_api_org or "", 2026)
            kinds.append((caught.value.kind, caught.value.status, caught.value.error))
            assert "wrong-key" not in str(caught.value) and "tiny-key" not in str(caught.value)
    assert kinds == [
        ("quota", 403, "EXCEEDED_ID_QUOTA"),
        ("auth", 401, "UNAUTHORIZED"),
        ("outage", 500, "INTERNAL_SERVER_ERROR"),
    ]
    assert all(key not in caplog.text for key in ("tiny-key", "wrong-key", CNA_KEY))


async def test_requests_that_break_the_description_are_recorded(
    cve_services: CveServices,
) -> None:
    headers = {"CVE-API-ORG": CNA, "CVE-API-USER": CNA_USER, "CVE-API-KEY": CNA_KEY}
    async with aiohttp.ClientSession() as session:
        url = cve_services.url
        async with session.post(
            f"{url}/cve-id",
            params={"amount": "2", "cve_year": "2026", "short_name": CNA},
            headers=headers,
        ) as answer:
            assert answer.status == 400 and (await answer.json())["error"] == "NO_BATCH_TYPE"
        async with session.post(
            f"{url}/cve-id",
            params={"amount": "1", "cve_year": "2026", "short_name": CNA, "colour": "red"},
        ) as answer:
            assert answer.status == 401
        async with session.delete(f"{url}/cve-id/CVE-2026-1") as answer:
            assert answer.status == 404
    assert cve_services.violations == [
        "POST /cve-id: required header 'CVE-API-ORG' is missing",
        "POST /cve-id: required header 'CVE-API-USER' is missing",
        "POST /cve-id: required header 'CVE-API-KEY' is missing",
        "POST /cve-id: unknown query parameter 'colour'",
        "DELETE /cve-id/CVE-2026-1: CVE Services has no such operation",
    ]
    cve_services.violations.clear()
