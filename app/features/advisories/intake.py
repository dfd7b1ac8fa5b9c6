"""Bring one advisory to its desired state: on `reported`, and for each advisory the sweep finds."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from gidgethub import BadRequest

from app.features.advisories import once, records
from app.features.advisories import templates as t
from app.features.advisories.cna import reserve_from_cna
from app.features.advisories.coordinator import announce, coordinator_wanted, decide
from app.features.advisories.experts import add_experts
from app.features.advisories.model import (
    OPEN_STATES,
    Advisory,
    combine,
    parse_advisory,
    patch_for,
    triage_wanted,
)
from app.features.advisories.publish import publish
from app.features.advisories.records import Record
from app.features.advisories.remediation import remediation
from app.features.advisories.reminders import remind
from app.features.advisories.scope import ADVISORY_URL, Scope, open_scope
from app.features.advisories.tracking import close_issue, close_tracking, ensure_tracking
from app.features.advisories.writes import apply_patch, audit
from app.org import Installation

log = logging.getLogger(__name__)


async def bring_to_desired(
    scope: Scope, data: Mapping[str, Any], repo: str, repo_private: bool, seen: Record | None
) -> Record:
    """Team, reporter credit, title tag state, fork and CVE, tracking issue, coordinator,
    experts and reminders for one advisory; only what is missing is written.

    ``seen`` is the record as it was before ``data`` was read: when another writer (a
    webhook, a sweep, a command, on any replica) changed it since, the advisory is read again.
    """
    ghsa_id = parse_advisory(data, repo).ghsa_id
    async with records.lock(scope.ctx.store, scope.org.id, repo, ghsa_id):
        found = await records.find(scope.ctx.store, scope.org.id, repo, ghsa_id)
        if found is None:  # known under another name: its repository was renamed
            found = await records.moved(scope.ctx.store, scope.org.id, repo, ghsa_id)
        if found != seen:
            data = await scope.gh.getitem(ADVISORY_URL, scope.advisory_vars(repo, ghsa_id))
        adv = parse_advisory(data, repo)
        record = await once.recover(scope, _record_of(scope, adv, found))
        start = record
        if adv.state in OPEN_STATES:
            record = await _open(scope, adv, record, repo_private)
        else:
            record = await finish(scope, adv, record)
        if record != start:
            await records.save(scope.ctx.store, record)
            await once.confirm(scope.ctx.store, record)  # comments posted by this run
        return record


def _record_of(scope: Scope, adv: Advisory, found: Record | None) -> Record:
    if found is None:
        return Record(
            scope.org.id, scope.org.login, adv.repo, adv.ghsa_id, adv.created_at, adv.state
        )
    if adv.state in OPEN_STATES and found.finished_at is not None:
        return found.but(finished_at=None, tracking_digest=None)  # reopened: show it again
    return found


async def _open(scope: Scope, adv: Advisory, record: Record, repo_private: bool) -> Record:
    if await scope.repo_archived(adv.repo):  # read-only: GitHub refuses every change (403)
        log.info("%s: %s is in an archived repository: not changed", scope.org.login, adv.ghsa_id)
        return await remind(scope, adv, await ensure_tracking(scope, adv, record))
    record, chosen = await decide(scope, adv, record)
    wanted = triage_wanted(adv, scope.config.collaborating_team)
    if chosen is not None:
        record = record.but(coordinator=chosen.login, assigned_at=scope.now)
    if record.coordinator is not None:
        wanted = combine(wanted, coordinator_wanted(record.coordinator))
    fixed, record = await remediation(scope, adv, record)
    adv = await apply_patch(scope, adv, patch_for(adv, combine(wanted, fixed)))
    record = record.but(state=adv.state)
    if adv.state not in OPEN_STATES:
        return await finish(scope, adv, record)
    if adv.state == "draft":
        record = await _fork_and_cve(scope, adv, record, repo_private)
    record = await ensure_tracking(scope, adv, record)
    adv, record = await reserve_from_cna(scope, adv, record)  # trouble is said in the issue
    if chosen is not None:
        record = await announce(scope, adv, record, chosen)
    record = await add_experts(scope, adv, record)
    record = await ensure_tracking(scope, adv, record)  # names new experts; else no request
    return await remind(scope, adv, record)


async def _fork_and_cve(scope: Scope, adv: Advisory, record: Record, repo_private: bool) -> Record:
    variables = scope.advisory_vars(adv.repo, adv.ghsa_id)
    if adv.private_fork is None and not record.fork_requested:
        await scope.gh.post(ADVISORY_URL + "/forks", variables, data={})
        await audit(scope, adv, "advisory.fork", {"fork": "requested"})
        record = record.but(fork_requested=True)
    wants_cve = scope.config.advisories.cve == "github" and not repo_private
    if wants_cve and adv.cve_id is None and not record.cve_requested:
        try:
            await scope.gh.post(ADVISORY_URL + "/cve", variables, data={})
            await audit(scope, adv, "advisory.cve", {"cve": "requested"})
        except BadRequest as exc:
            if exc.status_code != 422:
                raise
            log.info(
                "%s: GitHub refused a CVE request for %s: %s", scope.org.login, adv.ghsa_id, exc
            )
        record = record.but(cve_requested=True)
    return record


async def finish(scope: Scope, adv: Advisory, record: Record) -> Record:
    """A closed or published advisory: what publication calls for is done (app/.../publish.py),
    its tracking issue is closed, reminders stop."""
    if record.finished_at is not None:
        return record
    if adv.state == "published":
        record = await publish(scope, adv, record)
    record = await close_tracking(scope, adv, record.but(state=adv.state))
    body = t.finished(adv.ghsa_id, adv.state, scope.now)
    record = await once.post_once(scope, record, "finished", body, state=adv.state)
    await audit(scope, adv, "advisory.finished", {"state": adv.state})
    return record.but(finished_at=scope.now)


async def finish_gone(scope: Scope, seen: Record) -> None:
    """An advisory GitHub answers 404 for (withdrawn or deleted, or its repository moved out
    of reach): its tracking issue is closed, said once, and reminders stop."""
    store = scope.ctx.store
    async with records.lock(store, seen.installation_id, seen.repo, seen.ghsa_id):
        record = await records.find(store, seen.installation_id, seen.repo, seen.ghsa_id)
        if record is None or record.finished_at is not None:
            return
        log.info("%s: advisory %s is gone (404)", scope.org.login, record.ghsa_id)
        record = await once.recover(scope, record)
        if scope.tracking and record.tracking_issue is not None:
            await close_issue(scope, record.tracking_issue, "not_planned")
            body = t.finished(record.ghsa_id, "gone", scope.now)
            record = await once.post_once(scope, record, "finished", body, state="gone")
        await audit(scope, record, "advisory.finished", {"state": "gone"})
        await records.save(store, record.but(state="gone", finished_at=scope.now))
        await once.confirm(store, record)


async def on_advisory_event(org: Installation, repo: str, ghsa_id: str) -> Record | None:
    """A `repository_advisory` event: the advisory as GitHub has it NOW (a redelivery or a
    replay may come late) brought to its desired state; None when it is not Warden's."""
    scope = await open_scope(org)
    if scope is None or not scope.handles(repo):
        return None
    seen = await records.find(org.ctx.store, org.id, repo, ghsa_id)
    data = await org.gh.getitem(ADVISORY_URL, scope.advisory_vars(repo, ghsa_id))
    return await bring_to_desired(scope, data, repo, await scope.repo_private(repo), seen)
