"""The inactivity review (job ``inactivity``): open the review issue when one is due, and
with ``action: remove`` remove the warned members who neither replied nor were active."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.context import Context
from app.features.offboarding import records
from app.features.offboarding import templates as t
from app.features.offboarding.offboard import offboard
from app.features.offboarding.reads import gather, parse_time
from app.features.offboarding.records import Review
from app.features.offboarding.rules import (
    Standing,
    last_activity,
    proposed,
    review,
    review_due,
    to_remove,
)
from app.features.orgconfig import configured
from app.features.votes import no_longer_member
from app.features.votes import records as votes
from app.github import marked_issues
from app.github.teams import team_logins
from app.org import Installation, Org
from app.scheduler import org_due, over_installations

COMMENTS_URL = "/repos/{owner}/{repo}/issues/{issue_number}/comments{?per_page}"


async def review_all(ctx: Context) -> int:
    """The ``inactivity`` job: every organisation's review step; how many did something."""

    async def review(inst: Installation) -> int:
        org = await configured(inst)
        if org is None or not await org_due(
            ctx, org.id, "inactivity", org.config.schedule.inactivity
        ):
            return 0
        acted = await review_org(org)
        await ctx.store.record_org_run(org.id, "inactivity", ctx.clock.time())
        return int(acted)

    return await over_installations(ctx, "inactivity review", review)


def _grace_over(review: Review, now: datetime) -> bool:
    """Whether a warn-then-remove review is still to settle and its grace period is over."""
    return review.state == records.OPEN and now.timestamp() >= (review.remove_after or 0.0)


async def review_org(org: Org) -> bool:
    """Settle a warn-then-remove review whose grace ended, open a review that is due."""
    now = org.ctx.clock.now()
    latest = await records.latest(org.ctx.store, org.id)
    acted = False
    if latest is not None and _grace_over(latest, now):
        await settle(org, latest)
        acted = True
    opened = None if latest is None else datetime.fromtimestamp(latest.opened_at, UTC)
    inactivity = org.config.inactivity
    if review_due(now, inactivity.day, inactivity.report, opened):
        await open_review(org, latest)
        acted = True
    return acted


async def _exempt(org: Org) -> dict[str, str]:
    """Members of the exempt teams: login (casefolded) -> the team that exempts them."""
    found: dict[str, str] = {}
    for team in org.config.inactivity.exempt_teams:
        for login in await team_logins(org.gh, org.login, team):
            found.setdefault(login.casefold(), team)
    return found


async def standings(org: Org, since: datetime) -> tuple[list[Standing], dict[str, str]]:
    """Every member's standing since ``since``, and who is exempt by which team."""
    members = await team_logins(org.gh, org.login, org.config.team)
    exempt_by = await _exempt(org)
    return review(members, await gather(org, since), since, exempt_by), exempt_by


async def open_review(org: Org, previous: Review | None) -> Review:
    """Open the review issue for the window since the previous review (or ``period``)."""
    config, now = org.config, org.ctx.clock.now()
    if previous is not None:
        since = datetime.fromtimestamp(previous.opened_at, UTC)
    else:
        since = now - config.inactivity.period
    found, exempt_by = await standings(org, since)
    warn = proposed(found) if config.inactivity.action == "remove" else []
    remove_after = now + config.inactivity.grace if warn else None
    body = t.review_body(
        org=org.login,
        team=config.team,
        steering=config.voters_team(config.votes.removal),
        since=since,
        now=now,
        standings=found,
        exempt_by=exempt_by,
        count=config.inactivity.count,
        warn=warn,
        remove_after=remove_after,
    )
    number = await _post(org, since, now, body)
    made = Review(
        installation_id=org.id,
        org=org.login,
        repo=config.governance_repo,
        issue_number=number,
        opened_at=now.timestamp(),
        since=since.timestamp(),
        action=config.inactivity.action,
        warned=tuple(warn),
        remove_after=None if remove_after is None else remove_after.timestamp(),
        state=records.OPEN if warn else records.DONE,
    )
    await records.insert(org.ctx.store, made)
    inactive = [s.login for s in found if s.inactive]
    detail = {"inactive": inactive, "proposed": proposed(found), "warned": warn}
    await org.audit("inactivity.reported", made.subject, members=len(found), **detail)
    return made


async def _post(org: Org, since: datetime, now: datetime, body: str) -> int:
    """The review issue, opened (or found again by its marker after a crash)."""
    return await marked_issues.upsert(
        org.gh,
        org.login,
        org.config.governance_repo,
        label=t.INACTIVITY,
        marker=t.review_marker(since),
        title=t.review_title(org.login, org.config.team, now),
        body=body,
    )


async def _repliers(org: Org, review: Review) -> set[str]:
    """Who commented on the review issue after it opened (Warden aside: it is no member)."""
    where: dict[str, Any] = {"owner": review.org, "repo": review.repo}
    where |= {"issue_number": review.issue_number, "per_page": 100}
    found = set()
    async for comment in org.gh.getiter(COMMENTS_URL, where):
        at = parse_time(comment.get("created_at"))
        if at is not None and at.timestamp() >= review.opened_at:
            found.add(str((comment.get("user") or {}).get("login", "")).casefold())
    return found


async def settle(org: Org, review: Review) -> None:
    """The grace period is over: remove the warned who neither replied nor were active."""
    number = review.issue_number
    opened = datetime.fromtimestamp(review.opened_at, UTC)
    active = last_activity(await gather(org, opened), opened)
    members = await team_logins(org.gh, org.login, org.config.team)
    replied = await _repliers(org, review)
    result = to_remove(review.warned, replied, active, members, len(members))
    how = f"removed after the inactivity review in #{number}: no reply within the grace period"
    for login in result.remove:
        await offboard(org, login, how, review.subject)
        live = await votes.live_for_nominee(org.ctx.store, org.id, login, "removal")
        await no_longer_member(org.ctx, org.gh, live)  # a removal vote on them is moot now
    removed = [x for x in review.warned if x not in result.kept] if result.held else result.remove
    if not await records.finish(org.ctx.store, review):
        return
    detail = {"removed": list(result.remove), "kept": list(result.kept)}
    await org.audit("inactivity.settled", review.subject, held=result.held, **detail)
    comment = t.review_outcome(removed, result.kept, result.held)
    await marked_issues.close(org.gh, org.login, review.repo, number, comment)
