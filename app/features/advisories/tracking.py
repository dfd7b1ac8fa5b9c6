"""The tracking issue of an advisory in the private governance repository."""

from __future__ import annotations

import logging
from typing import Any

from gidgethub import BadRequest

from app.features.advisories import templates as t
from app.features.advisories.checklist import checklist
from app.features.advisories.checklist import render as render_checklist
from app.features.advisories.model import CREDIT_TYPES, OPEN_STATES, Advisory
from app.features.advisories.records import Record, current_coordinator, forget_tracking_issues
from app.features.advisories.rules import days_left, deadline_at
from app.features.advisories.scope import Scope
from app.github import authorship, labels
from app.org import Installation
from config import WardenConfig

log = logging.getLogger(__name__)

ISSUES_URL = "/repos/{owner}/{repo}/issues"
ISSUE_URL = "/repos/{owner}/{repo}/issues/{issue_number}"
COMMENTS_URL = "/repos/{owner}/{repo}/issues/{issue_number}/comments"


def deadline_of(scope: Scope, record: Record) -> str:
    """The deadline line of the tracking issue and the reminders."""
    deadline = scope.config.advisories.deadline
    end = deadline_at(record.reported_at, deadline)
    return t.deadline_text(end, days_left(record.reported_at, deadline, scope.now))


def render(scope: Scope, adv: Advisory, record: Record, archived: bool) -> tuple[str, str]:
    """The tracking issue's title and body for ``adv`` as it is now."""
    coordinator = current_coordinator(adv, record)
    after = scope.config.advisories.coordinator.assign_after.total_seconds()
    when = "on " + t.date(record.reported_at + after)
    body = t.tracking_body(
        ghsa_id=adv.ghsa_id,
        url=adv.html_url,
        repo=f"{scope.org.login}/{adv.repo}",
        summary=adv.summary,
        severity=adv.severity,
        state=adv.state + (t.ARCHIVED if archived else ""),
        reporter=adv.reporter,
        coordinator=coordinator,
        assign_when=when,
        experts=record.experts,
        deadline=deadline_of(scope, record),
        types=CREDIT_TYPES,
        checklist=render_checklist(checklist(adv, record.fixes)) if adv.state == "draft" else "",
    )
    return t.tracking_title(adv.ghsa_id, adv.summary), body


async def ensure_tracking(scope: Scope, adv: Advisory, record: Record) -> Record:
    """Open the tracking issue, or edit it when what it shows changed (its digest)."""
    if not scope.tracking:
        return record
    title, body = render(scope, adv, record, await scope.repo_archived(adv.repo))
    digest = t.digest_line(body)
    number, labelled = record.tracking_issue, True
    if number is None:
        number, labelled = await _find(scope, adv.ghsa_id)
    if number is None:
        opened = await _open(scope, title, body, labelled)
        return record.but(tracking_issue=opened, tracking_digest=digest)
    if digest != record.tracking_digest:
        data = {"title": title, "body": body}
        if adv.state in OPEN_STATES:
            data["state"] = "open"  # an advisory reopened on GitHub reopens its issue
        try:
            await scope.gh.patch(ISSUE_URL, issue_vars(scope, number), data=data)
        except BadRequest as exc:
            if not is_gone(exc):
                raise
            log.warning(
                "%s: the tracking issue #%s of %s is gone", scope.org.login, number, adv.ghsa_id
            )
            opened = await _open(scope, title, body, labelled=True)
            return record.but(tracking_issue=opened, tracking_digest=digest)
    return record.but(tracking_issue=number, tracking_digest=digest)


def is_gone(exc: BadRequest) -> bool:
    """Whether GitHub says the issue is no more (deleted: 410; transferred away: 404)."""
    return exc.status_code in (404, 410)


def forget_issue(record: Record) -> Record:
    """The record once its tracking issue is gone: the next step opens a new one."""
    return record.but(tracking_issue=None, tracking_digest=None)


async def close_tracking(scope: Scope, adv: Advisory, record: Record) -> Record:
    """Show the final state and close the tracking issue (closing it twice is harmless: the
    comment that says so is posted once, after, by the caller)."""
    if not scope.tracking or record.tracking_issue is None:
        return record
    record = await ensure_tracking(scope, adv, record)
    reason = "completed" if adv.state == "published" else "not_planned"
    await close_issue(scope, record.tracking_issue or 0, reason)
    return record


async def close_issue(scope: Scope, number: int, reason: str) -> None:
    await scope.gh.patch(
        ISSUE_URL, issue_vars(scope, number), data={"state": "closed", "state_reason": reason}
    )


def issue_vars(scope: Scope, number: int) -> dict[str, Any]:
    return {"owner": scope.org.login, "repo": scope.config.governance_repo, "issue_number": number}


async def _find(scope: Scope, ghsa_id: str) -> tuple[int | None, bool]:
    """An issue Warden opened earlier for ``ghsa_id`` but did not record (a crash between),
    and whether any issue has the label (then the label exists). The labelled issues are
    listed once a pass, however many advisories are new in it."""
    if scope.tracked is None:
        scope.tracked = await _tracked(scope)
    return scope.tracked.get(ghsa_id.upper()), bool(scope.tracked)


async def _tracked(scope: Scope) -> dict[str, int]:
    url = ISSUES_URL + "{?state,labels,per_page}"
    variables: dict[str, str | int] = {
        "owner": scope.org.login,
        "repo": scope.config.governance_repo,
        "state": "all",
        "labels": t.LABEL,
        "per_page": 100,
    }
    found: dict[str, int] = {}
    warden = await authorship.warden_login(scope.gh)
    async for issue in scope.gh.getiter(url, variables):
        first_line = (issue.get("body") or "").split("\n", 1)[0]
        ghsa_id = t.marked_id(first_line) if authorship.written_by(issue, warden) else None
        found.setdefault(ghsa_id or "", int(issue["number"]))  # "": not one of Warden's
    return found


async def _open(scope: Scope, title: str, body: str, labelled: bool) -> int:
    if not labelled:
        await labels.ensure_label(scope.gh, scope.org.login, scope.config.governance_repo, t.LABEL)
    variables = {"owner": scope.org.login, "repo": scope.config.governance_repo}
    created = await scope.gh.post(
        ISSUES_URL, variables, data={"title": title, "body": body, "labels": [t.LABEL]}
    )
    log.info(
        "opened tracking issue %s/%s#%s", scope.org.login, variables["repo"], created["number"]
    )
    if scope.tracked is not None:
        scope.tracked[t.marked_id(body) or ""] = int(created["number"])
    return int(created["number"])


async def on_config_change(org: Installation, old: WardenConfig | None, new: WardenConfig) -> None:
    """A new governance repository: the next sweep opens tracking issues there. Warden never
    writes an advisory into the issue of the new repository that has an old issue's number."""
    if old is not None and old.governance_repo.lower() != new.governance_repo.lower():
        await forget_tracking_issues(org.ctx.store, org.id)
        log.info(
            "%s: governance repository now %s; tracking issues move", org.login, new.governance_repo
        )


def is_tracking_issue(issue: dict[str, Any], ghsa_id: str, warden: str) -> bool:
    """Whether ``issue`` is Warden's tracking issue of ``ghsa_id`` (author and first line)."""
    first_line = (issue.get("body") or "").split("\n", 1)[0]
    return first_line.lower() == t.marker(ghsa_id).lower() and authorship.written_by(issue, warden)
