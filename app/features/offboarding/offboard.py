"""Take a member off the team (a resignation, a passed removal vote, an inactivity review):
remove them on GitHub, open the offboarding issue, write the audit log. The roster feature
then moves their row to the emeritus list, as for anyone who leaves the team."""

from __future__ import annotations

import logging

from app.context import Context
from app.features.offboarding import texts
from app.github import marked_issues
from app.github.client import GitHubAPI
from app.github.teams import expect_membership, membership_state
from app.store.base import AuditEntry
from config.model import WardenConfig

log = logging.getLogger(__name__)

MEMBERSHIP_URL = "/orgs/{org}/teams/{team_slug}/memberships/{username}"


async def audit(
    ctx: Context, installation_id: int, kind: str, subject: str, **detail: object
) -> None:
    """Append to the audit log, with the delivery that caused it (none for a job)."""
    entry = AuditEntry(
        at=ctx.clock.time(),
        kind=kind,
        subject=subject,
        detail=dict(detail),
        installation_id=installation_id,
        delivery_id=ctx.delivery_id,
    )
    await ctx.store.append_audit(entry)


async def offboard(
    ctx: Context,
    gh: GitHubAPI,
    config: WardenConfig,
    installation_id: int,
    org: str,
    login: str,
    how: str,
    cause: str,
) -> int:
    """Remove ``login`` from the team and open (or find) their offboarding issue; returns
    its number. ``how`` says why in words, ``cause`` names what caused it (an issue, a
    review). Safe to run again: someone already off the team is not removed twice, and the
    open offboarding issue is found by its marker."""
    team = config.team
    if await membership_state(gh, org, team, login) is not None:
        await expect_membership(ctx, installation_id, org, team, login, "removed", cause)
        await gh.delete(MEMBERSHIP_URL, {"org": org, "team_slug": team, "username": login})
        await audit(ctx, installation_id, "member.removed", cause, login=login, how=how)
        log.info("%s: removed %s from %s (%s)", org, login, team, how)
    title, body = texts.offboarding_issue(org, team, login, how, config.onboarding.venues)
    return await marked_issues.upsert(
        gh,
        org,
        config.governance_repo,
        label=texts.OFFBOARDING,
        marker=texts.offboarding_marker(login),
        title=title,
        body=body,
    )
