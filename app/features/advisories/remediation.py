"""Remediation credits and fixes from the private fork's pull requests (SPEC 5.5)."""

from __future__ import annotations

import logging

from gidgethub import BadRequest

from app.features.advisories.credits import remediation_credits
from app.features.advisories.fork import reviewed_pulls
from app.features.advisories.model import Advisory, Wanted
from app.features.advisories.records import Record
from app.features.advisories.scope import Scope

log = logging.getLogger(__name__)


async def remediation(scope: Scope, adv: Advisory, record: Record) -> tuple[Wanted, Record]:
    """The credits the fork's pull requests call for (authors ``remediation_developer``,
    approving reviewers ``remediation_reviewer``; merged with the advisory's own, so nobody is
    removed or retyped), and the record with the fixes as they stand."""
    if adv.private_fork is None:
        return Wanted(), record
    try:
        pulls = await reviewed_pulls(scope, adv.private_fork)
    except BadRequest as exc:
        if exc.status_code != 404:
            raise
        log.info("%s: the private fork %s is gone", scope.org, adv.private_fork)
        return Wanted(), record
    fixes = tuple((p.number, p.merge_commit) for p in pulls)
    return Wanted(credits=remediation_credits(pulls)), record.but(fixes=fixes)
