"""The writes every advisory step shares: PATCH an advisory, append to the audit log."""

from __future__ import annotations

from typing import Any

from app.features.advisories.model import Advisory, parse_advisory
from app.features.advisories.records import Record
from app.features.advisories.scope import ADVISORY_URL, Scope


async def apply_patch(scope: Scope, adv: Advisory, body: dict[str, Any]) -> Advisory:
    """PATCH the advisory when ``body`` asks for anything; the advisory as GitHub has it now."""
    if not body:
        return adv
    variables = scope.advisory_vars(adv.repo, adv.ghsa_id)
    data = await scope.gh.patch(ADVISORY_URL, variables, data=body)
    await audit(scope, adv, "advisory.updated", {"changed": sorted(body)})
    return parse_advisory(data, adv.repo)


async def audit(scope: Scope, adv: Advisory | Record, kind: str, detail: dict[str, Any]) -> None:
    """One append-only audit entry about ``adv`` (with the delivery that caused it, if any)."""
    await scope.org.audit(kind, f"{scope.org.login}/{adv.repo}/{adv.ghsa_id}", **detail)
