"""A CVE ID from the organisation's own CNA (``advisories.cve: cna``), exactly once.

An advisory in draft without a CVE gets one ID reserved through CVE Services and written to
its ``cve_id``, in public and private repositories alike. The reservation is recorded before
the advisory is changed, and the asking before CVE Services is asked: after a crash the
recorded ID is reused, and an ID CVE Services reserved but Warden never heard of is found
among the CNA's RESERVED IDs and adopted. Replicas take turns through the store's lock.
Trouble (quota, credentials, outage) is said once in the tracking issue and retried later.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from app.features.advisories import cna_records
from app.features.advisories.cna_client import CnaClient, CnaError, cna_client
from app.features.advisories.cna_records import Reservation
from app.features.advisories.cna_templates import cna_problem
from app.features.advisories.model import Advisory
from app.features.advisories.once import post_once
from app.features.advisories.records import Record
from app.features.advisories.scope import Scope
from app.features.advisories.writes import apply_patch, audit
from config import WardenConfig

log = logging.getLogger(__name__)

#: How long Warden waits before asking again, by kind of trouble (outages: the next sweep).
RETRY_AFTER = {"outage": 0.0, "quota": 3600.0, "auth": 3600.0, "refused": 3600.0}
RETRY_UNCONFIGURED = 3600.0
#: CVE Services' clock and Warden's may differ a little: an ID reserved up to this long
#: before Warden recorded asking may be the one it asked for.
ADOPT_SLACK = 300.0


def wants_cna(config: WardenConfig, repo: str) -> bool:
    """Whether ``repo``'s advisories get their CVE ID from the organisation's CNA."""
    rules = config.advisories
    if rules.cve != "cna" or rules.cna.short_name is None:
        return False
    return rules.cna.repos == "all" or repo.lower() in {r.lower() for r in rules.cna.repos}


def year_of(timestamp: float) -> int:
    return datetime.fromtimestamp(timestamp, tz=UTC).year


async def reserve_from_cna(scope: Scope, adv: Advisory, record: Record) -> tuple[Advisory, Record]:
    """The advisory with its CVE ID from the CNA (reserved now, or the one reserved before)."""
    short_name = scope.config.advisories.cna.short_name
    if adv.state != "draft" or short_name is None or not wants_cna(scope.config, adv.repo):
        return adv, record
    store = scope.ctx.store
    found = await cna_records.find(store, scope.org.id, adv.ghsa_id)
    if adv.cve_id is not None:
        if found is not None and found.cve_id and found.written_at is None:
            await cna_records.save(store, found.but(written_at=scope.now))  # PATCHed, then a crash
        return adv, record
    reservation = found or Reservation(scope.org.id, adv.ghsa_id, adv.repo, short_name)
    if reservation.cve_id is None:
        if _waiting(reservation, scope.now):  # said already, unless there was no issue yet
            return adv, await _report(scope, adv, record, reservation)
        reservation = await _reserve(scope, reservation)
        if reservation.cve_id is None:
            return adv, await _report(scope, adv, record, reservation)
    adv = await apply_patch(scope, adv, {"cve_id": reservation.cve_id})
    await cna_records.save(store, reservation.but(written_at=scope.now))
    await audit(scope, adv, "advisory.cve", {"cve": reservation.cve_id, "cna": short_name})
    return adv, record


def _waiting(reservation: Reservation, now: float) -> bool:
    if reservation.error_kind is None or reservation.error_at is None:
        return False
    wait = RETRY_AFTER.get(reservation.error_kind, RETRY_UNCONFIGURED)
    return now - reservation.error_at < wait


async def _reserve(scope: Scope, r: Reservation) -> Reservation:
    """Ask CVE Services for one ID (or adopt the one a crashed run got), recording each step;
    one advisory of the CNA at a time, so an unrecorded ID is adopted once."""
    store = scope.ctx.store
    async with store.lock("cna", r.short_name), cna_client(scope.ctx.settings) as cna:
        try:
            adopted = await _orphan(scope, cna, r) if r.asked_at is not None else None
            if adopted is None:
                r = r.but(asked_at=scope.now)
                await cna_records.save(store, r)
                adopted = (await cna.reserve(r.short_name, year_of(scope.now))).cve_id
        except CnaError as exc:
            log.warning(
                "%s: no CVE ID for %s from %s: %s", scope.org.login, r.ghsa_id, r.short_name, exc
            )
            asked = r.asked_at if exc.kind == "outage" else None  # a refusal reserved nothing
            r = r.but(asked_at=asked, error_kind=exc.kind, error_at=scope.now)
            r = r.but(error_message=f"{exc.status} {exc.error}".strip())
            await cna_records.save(store, r)
            return r
        r = r.but(cve_id=adopted.upper(), reserved_at=scope.now, error_kind=None, error_at=None)
        r = r.but(error_message=None, reported_kind=None)
        await cna_records.save(store, r)
        log.info(
            "%s: %s reserved for %s from %s", scope.org.login, r.cve_id, r.ghsa_id, r.short_name
        )
        return r


async def _orphan(scope: Scope, cna: CnaClient, r: Reservation) -> str | None:
    """An ID Warden's CVE Services user reserved since this advisory last asked and that no
    advisory holds: the answer a crash (or a lost connection) kept from being recorded."""
    asked = r.asked_at or 0.0
    listed = await cna.reserved(year_of(asked))
    known = await cna_records.known_ids(scope.ctx.store, r.short_name)
    user = scope.ctx.settings.cve_api_user
    mine = [
        c
        for c in listed
        if c.cve_id.upper() not in known
        and c.user == user
        and (c.reserved_at or 0.0) >= asked - ADOPT_SLACK
    ]
    if not mine:
        return None
    chosen = min(mine, key=lambda c: c.reserved_at or 0.0).cve_id
    log.info(
        "%s: %s was reserved for %s before a crash; adopted", scope.org.login, chosen, r.ghsa_id
    )
    return chosen


async def _report(scope: Scope, adv: Advisory, record: Record, r: Reservation) -> Record:
    """Say in the tracking issue, once per kind of trouble, why there is no CVE ID yet."""
    if r.error_kind is None or r.error_kind == r.reported_kind:
        return record
    if not scope.tracking or record.tracking_issue is None:
        return record  # nowhere to say it: the log has it
    status, _, error = (r.error_message or "").partition(" ")
    body = cna_problem(
        adv.ghsa_id,
        r.short_name,
        r.error_kind,
        int(status) if status.isdigit() else 0,
        error if status.isdigit() else r.error_message or "",
        scope.now,
    )
    record = await post_once(scope, record, "cna", body, kind=r.error_kind)
    await cna_records.save(scope.ctx.store, r.but(reported_kind=r.error_kind))
    return record
