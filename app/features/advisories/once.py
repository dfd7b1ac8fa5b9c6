"""Comments posted once (reminders, the coordinator's and the experts' mentions, the finished
comment, why a tracking issue was put back), even across a crash.

Each is recorded (an intent) before it is posted; the advisory's record, saved after,
confirms it. A crash in between leaves the intent unconfirmed: the next run looks for the
comment's hidden marker among the tracking issue's comments, posts it only if GitHub does not
have it, and records what it did. Without unconfirmed intents nothing is asked.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any

from gidgethub import BadRequest

from app.features.advisories import records
from app.features.advisories.records import Record
from app.features.advisories.scope import Scope
from app.features.advisories.tracking import COMMENTS_URL, forget_issue, is_gone, issue_vars
from app.features.advisories.writes import audit
from app.github import authorship
from app.store import Store

log = logging.getLogger(__name__)

_KEY = "installation_id = ? AND repo = ? AND ghsa_id = ?"


@dataclass(frozen=True)
class Intent:
    """A comment Warden set out to post in a tracking issue, and what it records."""

    step: str  # reminder, coordinator, experts, finished, restored, cna, announcement
    marker: str  # the comment's first line, a hidden HTML comment
    issue: int
    body: str
    at: float
    detail: dict[str, Any]


def applied(record: Record, intent: Intent) -> Record:
    """The record once ``intent``'s comment is in the tracking issue."""
    if intent.step == "reminder":
        return record.but(reminder_level=intent.detail["level"], reminded_at=intent.at)
    if intent.step == "coordinator":
        return record.but(coordinator=intent.detail["login"], assigned_at=intent.at)
    if intent.step == "finished":  # posted once the tracking issue was closed
        return record.but(state=intent.detail["state"], finished_at=intent.at)
    if intent.step in ("restored", "cna", "announcement"):  # the rest is recorded elsewhere
        return record
    known = {e.casefold() for e in record.experts}
    new = tuple(e for e in intent.detail["experts"] if e.casefold() not in known)
    return record.but(experts=record.experts + new)


async def post_once(scope: Scope, record: Record, step: str, body: str, **detail: Any) -> Record:
    """Record the intent, post ``body`` (its first line is its marker) in the tracking issue,
    and return the record as the comment makes it (saved, and so confirmed, by the caller)."""
    if not scope.tracking or record.tracking_issue is None:
        return record
    intent = Intent(step, body.split("\n", 1)[0], record.tracking_issue, body, scope.now, detail)
    await scope.ctx.store.execute(
        "INSERT INTO advisory_comments (installation_id, repo, ghsa_id, marker, issue, step, "
        "detail, body, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
        *_key(record),
        intent.marker,
        intent.issue,
        step,
        json.dumps(detail),
        body,
        intent.at,
    )
    try:
        await scope.gh.post(COMMENTS_URL, issue_vars(scope, intent.issue), data={"body": body})
    except BadRequest as exc:
        if not is_gone(exc):
            raise
        await confirm(scope.ctx.store, record)  # nothing was posted: it is due again
        return forget_issue(record)
    return applied(record, intent)


async def confirm(store: Store, record: Record) -> None:
    """The record is saved: its comments need no looking for any more."""
    await store.execute(f"DELETE FROM advisory_comments WHERE {_KEY}", *_key(record))


async def recover(scope: Scope, record: Record) -> Record:
    """Finish what a crashed run left unconfirmed: each such comment is in the tracking issue
    once (posted now only when its marker is not found), and the record says so."""
    pending = await _unconfirmed(scope.ctx.store, record)
    if not pending:
        return record
    if not scope.tracking:  # the governance repository went public: nothing is posted there
        await confirm(scope.ctx.store, record)
        return record
    for issue in sorted({i.issue for i in pending}):
        try:
            found = await _markers(scope, issue)
        except BadRequest as exc:
            if not is_gone(exc):
                raise
            record = forget_issue(record)  # what was meant for it is due again
            continue
        for intent in (i for i in pending if i.issue == issue):
            posted = intent.marker in found
            if not posted:
                await scope.gh.post(
                    COMMENTS_URL, issue_vars(scope, issue), data={"body": intent.body}
                )
            log.info(
                "%s: the %s comment on %s was %s",
                scope.org.login,
                intent.step,
                record.ghsa_id,
                "found after a crash" if posted else "missing after a crash, and posted",
            )
            if intent.step == "finished":  # its audit entry was written after the comment
                await audit(scope, record, "advisory.finished", intent.detail)
            record = applied(record, intent)
    await records.save(scope.ctx.store, record)
    await confirm(scope.ctx.store, record)
    return record


async def unconfirmed_markers(store: Store, record: Record) -> set[str]:
    """The markers of the comments a crashed run meant to post for ``record`` (``recover``
    finishes them); read before anything recovers them."""
    return {intent.marker for intent in await _unconfirmed(store, record)}


async def _unconfirmed(store: Store, record: Record) -> list[Intent]:
    rows = await store.fetch(
        f"SELECT marker, issue, step, detail, body, at FROM advisory_comments WHERE {_KEY} "
        "ORDER BY at, marker",
        *_key(record),
    )
    return [
        Intent(r["step"], r["marker"], int(r["issue"]), r["body"], r["at"], json.loads(r["detail"]))
        for r in rows
    ]


async def _markers(scope: Scope, issue: int) -> set[str]:
    """The first lines of Warden's own comments in the tracking issue (a conditional read)."""
    variables = {**issue_vars(scope, issue), "per_page": 100}
    return {
        str(c.get("body") or "").split("\n", 1)[0]
        async for c in authorship.own_items(scope.gh, COMMENTS_URL + "{?per_page}", variables)
    }


def _key(record: Record) -> tuple[Any, ...]:
    return (record.installation_id, record.repo, record.ghsa_id)
