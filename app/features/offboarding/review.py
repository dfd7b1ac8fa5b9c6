"""The inactivity review (job ``inactivity``): open the review issue when one is due, and
with ``action: remove`` remove the warned members who neither replied nor were active."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from app.context import Context
from app.features.offboarding import records, texts
from app.features.offboarding.activity import gather, parse_time
from app.features.offboarding.offboard import audit, offboard
from app.features.offboarding.records import Review
from app.features.offboarding.rules import (
    Standing,
    last_activity,
    proposed,
    review,
    review_due,
    to_remove,
)
from app.features.orgconfig import current_config
from app.github import marked_issues
from app.github.client import GitHubAPI
from app.github.installations import each_installation
from app.github.teams import team_logins
from config.model import WardenConfig

log = logging.getLogger(__name__)

COMMENTS_URL = "/repos/{owner}/{repo}/issues/{issue_number}/comments{?per_page}"


async def review_all(ctx: Context) -> int:
    """The ``inactivity`` job: every organisation's review step; how many did something."""
    done = 0
    async for inst in each_installation(ctx):
        try:
            config = await current_config(ctx, inst.gh, inst.id, inst.org)
            if config is not None and await review_org(ctx, inst.gh, inst.id, inst.org, config):
                done += 1
        except Exception:  # one broken org must not stop the others
            log.exception("could not review the inactivity of %s", inst.org)
    return done


async def review_org(
    ctx: Context, gh: GitHubAPI, installation_id: int, org: str, config: WardenConfig
) -> bool:
    """Settle a warn-then-remove review whose grace ended, open a review that is due."""
    now = ctx.clock.now()
    latest = await records.latest(ctx.store, installation_id)
    acted = False
    if latest is not None and _grace_over(latest, now):
        await settle(ctx, gh, config, latest)
        acted = True
    opened = None if latest is None else datetime.fromtimestamp(latest.opened_at, UTC)
    if review_due(now, config.inactivity.day, config.inactivity.report, opened):
        await open_review(ctx, gh, installation_id, org, config, latest)
        acted = True
    return acted


def _grace_over(review: Review, now: datetime) -> bool:
    """Whether a warn-then-remove review is still to settle and its grace period is over."""
    return review.state == records.OPEN and now.timestamp() >= (review.remove_after or 0.0)


async def _exempt(gh: GitHubAPI, org: str, config: WardenConfig) -> dict[str, str]:
    """Members of the exempt teams: login (casefolded) -> the team that exempts them."""
    found: dict[str, str] = {}
    for team in config.inactivity.exempt_teams:
        for login in await team_logins(gh, org, team):
            found.setdefault(login.casefold(), team)
    return found


async def standings(
    ctx: Context,
    gh: GitHubAPI,
    installation_id: int,
    org: str,
    config: WardenConfig,
    since: datetime,
) -> tuple[list[Standing], dict[str, str]]:
    """Every member's standing since ``since``, and who is exempt by which team."""
    members = await team_logins(gh, org, config.team)
    exempt_by = await _exempt(gh, org, config)
    web = ctx.settings.web_url
    found = await gather(
        ctx, gh, installation_id, org, config.governance_repo, config.inactivity.count, since, web
    )
    return review(members, found, since, exempt_by), exempt_by


async def open_review(
    ctx: Context,
    gh: GitHubAPI,
    installation_id: int,
    org: str,
    config: WardenConfig,
    previous: Review | None,
) -> Review:
    """Open the review issue for the window since the previous review (or ``period``)."""
    now = ctx.clock.now()
    since = (
        datetime.fromtimestamp(previous.opened_at, UTC)
        if previous is not None
        else now - config.inactivity.period
    )
    found, exempt_by = await standings(ctx, gh, installation_id, org, config, since)
    removing = config.inactivity.action == "remove"
    warn = proposed(found) if removing else []
    remove_after = now + config.inactivity.grace if warn else None
    body = texts.review_body(
        org=org,
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
    number = await marked_issues.upsert(
        gh,
        org,
        config.governance_repo,
        label=texts.INACTIVITY,
        marker=texts.review_marker(since),
        title=texts.review_title(org, config.team, now),
        body=body,
    )
    state = records.OPEN if warn else records.DONE
    made = Review(
        installation_id, org, config.governance_repo, number, now.timestamp(),
        since.timestamp(), config.inactivity.action, tuple(warn),
        remove_after.timestamp() if remove_after else None, state,
    )  # fmt: skip
    await records.insert(ctx.store, made)
    inactive = [s.login for s in found if s.inactive]
    subject = f"{org}/{config.governance_repo}#{number}"
    await audit(
        ctx, installation_id, "inactivity.reported", subject,
        inactive=inactive, proposed=proposed(found), warned=warn, members=len(found),
    )  # fmt: skip
    return made


async def _repliers(gh: GitHubAPI, review: Review) -> set[str]:
    """Who commented on the review issue after it opened (Warden aside: it is no member)."""
    where: dict[str, Any] = {"owner": review.org, "repo": review.repo}
    where |= {"issue_number": review.issue_number, "per_page": 100}
    found = set()
    async for comment in gh.getiter(COMMENTS_URL, where):
        at = parse_time(comment.get("created_at"))
        if at is not None and at.timestamp() >= review.opened_at:
            found.add(str((comment.get("user") or {}).get("login", "")).casefold())
    return found


async def settle(ctx: Context, gh: GitHubAPI, config: WardenConfig, review: Review) -> None:
    """The grace period is over: remove the warned who neither replied nor were active."""
    org, number = review.org, review.issue_number
    opened = datetime.fromtimestamp(review.opened_at, UTC)
    web = ctx.settings.web_url
    found = await gather(
        ctx, gh, review.installation_id, org, review.repo, config.inactivity.count, opened, web
    )
    members = await team_logins(gh, org, config.team)
    result = to_remove(
        review.warned, await _repliers(gh, review), last_activity(found, opened), members,
        len(members),
    )  # fmt: skip
    subject = f"{org}/{review.repo}#{number}"
    how = f"removed after the inactivity review in #{number}: no reply within the grace period"
    for login in result.remove:
        await offboard(ctx, gh, config, review.installation_id, org, login, how, subject)
    removed = [x for x in review.warned if x not in result.kept] if result.held else result.remove
    if not await records.finish(ctx.store, review):
        return
    await audit(
        ctx, review.installation_id, "inactivity.settled", subject,
        removed=list(result.remove), kept=list(result.kept), held=result.held,
    )  # fmt: skip
    comment = texts.review_outcome(removed, result.kept, result.held)
    await marked_issues.close(gh, org, review.repo, number, comment)
