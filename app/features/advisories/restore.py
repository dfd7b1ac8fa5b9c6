"""A tracking issue changed by hand: Warden's title, body, label and open state are put back.

The title and body are Warden's (the body's hidden marker is how Warden finds the issue, and
its table must stay true); people discuss in comments. While the advisory is in triage or
draft its tracking issue stays open: it closes by itself when the advisory is closed or
published. A change whose webhook was missed is put back the next time the issue is edited.
The comment saying why is posted once per change, even when its delivery is replayed after a
crash (its hidden marker names the delivery; see ``once``).
"""

from __future__ import annotations

import logging
from typing import Any

from app.context import Context
from app.features.advisories import once, records
from app.features.advisories import templates as t
from app.features.advisories.intake import on_advisory_event
from app.features.advisories.records import Record
from app.features.advisories.scope import Scope, open_scope
from app.features.advisories.tracking import ISSUE_URL, issue_vars
from app.features.orgconfig import current_config
from app.github import authorship
from app.org import Installation

log = logging.getLogger(__name__)


def changed_by_hand(event: dict[str, Any]) -> str | None:
    """What of a tracking issue an ``issues`` event changed that is Warden's to keep:
    ``closed``, ``edited`` (title or body) or ``unlabeled`` (the advisory label)."""
    action = event["action"]
    if action == "edited" and {"title", "body"} & set(event.get("changes") or {}):
        return "edited"
    if action == "unlabeled" and (event.get("label") or {}).get("name") == t.LABEL:
        return "unlabeled"
    return "closed" if action == "closed" else None


async def on_tracking_issue_changed(inst: Installation, event: dict[str, Any]) -> Record | None:
    """Put back what someone changed by hand in an open advisory's tracking issue, and say
    why; the record as it is afterwards, None when the event was not about one."""
    ctx, gh = inst.ctx, inst.gh
    what = changed_by_hand(event)
    org, number = inst.login, event["issue"]["number"]
    if what is None or await authorship.is_warden(gh, event["sender"]):
        return None
    config = await current_config(inst)
    if config is None or event["repository"]["name"] != config.governance_repo:
        return None
    record = await _forget_digest(ctx, inst.id, number)
    if record is None:
        return None
    scope = await open_scope(inst)
    if scope is None or not scope.tracking:
        return None
    if what == "unlabeled":
        await gh.post(ISSUE_URL + "/labels", issue_vars(scope, number), data={"labels": [t.LABEL]})
    crashed = await once.unconfirmed_markers(ctx.store, record)  # recovered by the next step
    record = await on_advisory_event(inst, record.repo, record.ghsa_id)
    if record is None or record.finished_at is not None:
        return record  # finished meanwhile: the comment closing it said so
    change = ctx.delivery_id or t.stamp(scope.now)
    body = t.restored(record.ghsa_id, what, record.state, event["sender"]["login"], change)
    if body.split("\n", 1)[0] not in crashed:  # else a crashed run of this delivery posted it
        log.info("%s: put back the %s tracking issue of %s", org, what, record.ghsa_id)
        await _say_once(scope, record, body, what)
    return record


async def _say_once(scope: Scope, record: Record, body: str, what: str) -> None:
    """Post why, recorded first so that a crash before it is confirmed is recovered."""
    store = scope.ctx.store
    async with records.lock(store, record.installation_id, record.repo, record.ghsa_id):
        await once.post_once(scope, record, "restored", body, what=what)
        await once.confirm(store, record)


async def _forget_digest(ctx: Context, installation_id: int, number: int) -> Record | None:
    """The open advisory tracked in issue ``number``, its issue to be written again whole."""
    found = await records.by_tracking_issue(ctx.store, installation_id, number)
    if found is None or found.finished_at is not None:
        return None
    async with records.lock(ctx.store, installation_id, found.repo, found.ghsa_id):
        record = await records.find(ctx.store, installation_id, found.repo, found.ghsa_id)
        if record is None or record.finished_at is not None:
            return None
        await records.save(ctx.store, record.but(tracking_digest=None))
    return record
