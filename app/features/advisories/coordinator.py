"""The coordinator of an advisory: taken with `/coordinate`, set on GitHub, or assigned."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from app.features.advisories import records
from app.features.advisories import templates as t
from app.features.advisories.model import Advisory, Wanted
from app.features.advisories.once import post_once
from app.features.advisories.records import Record, current_coordinator
from app.features.advisories.rules import pick_coordinator
from app.features.advisories.scope import Scope
from app.features.advisories.tracking import deadline_of

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Assignment:
    """A coordinator Warden assigns now, and why (said in the tracking issue)."""

    login: str
    why: str


def coordinator_wanted(login: str) -> Wanted:
    """A coordinator is a collaborating user credited as ``coordinator``."""
    return Wanted(users=(login,), credits=((login, "coordinator"),))


async def decide(scope: Scope, adv: Advisory, record: Record) -> tuple[Record, Assignment | None]:
    """Record a coordinator set on GitHub; assign one when overdue or when theirs left."""
    current = current_coordinator(adv, record)
    if current is not None:
        if await scope.is_member(current):
            if current != record.coordinator:
                record = record.but(coordinator=current, assigned_at=scope.now)
            return record, None
        return record, await _assign(scope, t.coordinator_why("left", login=current))
    waited = scope.now - record.reported_at
    after = scope.config.advisories.coordinator.assign_after
    if waited < after.total_seconds():
        return record, None
    why = t.coordinator_why("unclaimed", wait=_days(after.total_seconds()))
    return record, await _assign(scope, why)


def _days(seconds: float) -> str:
    days = seconds / 86400
    return f"{days:g} days" if days >= 1 else f"{seconds / 3600:g} hours"


async def _assign(scope: Scope, why: str) -> Assignment | None:
    members = await scope.team(scope.config.team)
    loads = await records.loads(scope.ctx.store, scope.org.id)
    login = pick_coordinator(members, await scope.excluded(), loads)
    if login is None:
        log.warning("%s: no eligible member to coordinate an advisory", scope.org.login)
        return None
    return Assignment(login, why)


async def announce(scope: Scope, adv: Advisory, record: Record, chosen: Assignment) -> Record:
    """Mention the new coordinator in the tracking issue (once, even across a crash)."""
    deadline = deadline_of(scope, record)
    body = t.coordinator_comment(adv.ghsa_id, chosen.login, chosen.why, deadline, scope.now)
    log.info("%s: %s coordinates %s (%s)", scope.org.login, chosen.login, adv.ghsa_id, chosen.why)
    return await post_once(scope, record, "coordinator", body, login=chosen.login)
