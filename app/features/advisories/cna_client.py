"""The CVE Services client: reserve and look up CVE IDs of the organisation's own CNA.

CVE Services (the CVE Program's API, ``CVE_API_URL``) authenticates each request with the
headers ``CVE-API-ORG``, ``CVE-API-USER`` and ``CVE-API-KEY``; errors are JSON
``{error, message}``. The key is never logged and never part of an error message.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp

from app.platform.settings import Settings

log = logging.getLogger(__name__)

TIMEOUT = aiohttp.ClientTimeout(total=30)


class CnaError(Exception):
    """CVE Services refused or could not answer; ``kind`` says what to do about it."""

    def __init__(self, kind: str, status: int, error: str, message: str) -> None:
        super().__init__(f"CVE Services answered {status} {error}: {message}")
        self.kind = kind  # quota, auth, outage, refused, unconfigured
        self.status = status
        self.error = error
        self.message = message


def kind_of(status: int, error: str) -> str:
    """How an error is reported: ``quota`` (403 EXCEEDED_ID_QUOTA), ``auth`` (401, or 403
    for another CNA), ``outage`` (5xx, 429, no answer) or ``refused`` (any other 4xx)."""
    if status == 403 and "QUOTA" in error.upper():
        return "quota"
    if status in (401, 403):
        return "auth"
    if status >= 500 or status in (0, 429):
        return "outage"
    return "refused"


@dataclass(frozen=True)
class Reserved:
    """A CVE ID of the CNA as CVE Services has it (state RESERVED until its record is
    published), and who reserved it when."""

    cve_id: str
    state: str
    user: str | None = None
    reserved_at: float | None = None


def parse_reserved(data: Mapping[str, Any]) -> Reserved:
    """A ``Reserved`` from one entry of CVE Services' ``cve_ids`` (or a single ID)."""
    stamp = data.get("reserved")
    when = datetime.fromisoformat(str(stamp).replace("Z", "+00:00")).timestamp() if stamp else None
    return Reserved(
        str(data["cve_id"]),
        str(data.get("state") or "RESERVED"),
        (data.get("requested_by") or {}).get("user"),
        when,
    )


class CnaClient:
    """One CNA's view of CVE Services."""

    def __init__(self, settings: Settings, session: aiohttp.ClientSession) -> None:
        self._settings = settings
        self._session = session

    @property
    def configured(self) -> bool:
        """Whether the CNA's credentials are set (``CVE_API_ORG``, ``_USER``, ``_KEY``)."""
        s = self._settings
        return bool(s.cve_api_org and s.cve_api_user and s.cve_api_key)

    async def reserve(self, short_name: str, year: int) -> Reserved:
        """Reserve one CVE ID of ``year`` for ``short_name`` (one ID: no ``batch_type``)."""
        query = {"amount": "1", "cve_year": str(year), "short_name": short_name}
        data = await self._call("POST", "/cve-id", query)
        first = (data.get("cve_ids") or [{}])[0]
        if "cve_id" not in first:
            raise CnaError("outage", 200, "NO_ID", "the answer held no CVE ID")
        return parse_reserved(first)

    async def reserved(self, year: int) -> list[Reserved]:
        """The CNA's IDs of ``year`` still in state RESERVED (each page of the list)."""
        found: list[Reserved] = []
        page = 1
        while True:
            query = {"state": "RESERVED", "cve_id_year": str(year), "page": str(page)}
            data = await self._call("GET", "/cve-id", query)
            found += [parse_reserved(c) for c in data.get("cve_ids") or []]
            if not data.get("nextPage"):
                return found
            page = int(data["nextPage"])

    async def get(self, cve_id: str) -> Reserved | None:
        """The CVE ID as CVE Services has it (None when it does not know it)."""
        try:
            data = await self._call("GET", f"/cve-id/{cve_id}", {})
        except CnaError as exc:
            if exc.status == 404:
                return None
            raise
        return parse_reserved(data)

    async def _call(self, method: str, path: str, query: dict[str, str]) -> dict[str, Any]:
        if not self.configured:
            raise CnaError("unconfigured", 0, "NO_CREDENTIALS", "CVE_API_ORG/USER/KEY are not set")
        url = self._settings.cve_api_url.rstrip("/") + path
        try:
            async with self._session.request(
                method, url, params=query, headers=self._headers(), timeout=TIMEOUT
            ) as response:
                data = await _json(response)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise CnaError("outage", 0, type(exc).__name__, "CVE Services did not answer") from None
        log.info("CVE Services %s %s -> %s", method, path, response.status)
        if response.status >= 400:
            error = str(data.get("error") or response.reason or "")
            message = str(data.get("message") or "")
            raise CnaError(kind_of(response.status, error), response.status, error, message)
        return data

    def _headers(self) -> dict[str, str]:
        s = self._settings
        key = s.cve_api_key.reveal() if s.cve_api_key is not None else ""
        return {
            "CVE-API-ORG": s.cve_api_org or "",
            "CVE-API-USER": s.cve_api_user or "",
            "CVE-API-KEY": key,
            "Accept": "application/json",
        }


async def _json(response: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        data = await response.json(content_type=None)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


@asynccontextmanager
async def cna_client(settings: Settings) -> AsyncIterator[CnaClient]:
    """A client with its own connection pool (reservations are rare: one per advisory)."""
    async with aiohttp.ClientSession() as session:
        yield CnaClient(settings, session)
