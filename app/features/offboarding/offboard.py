"""Take a member off the team (a resignation, a passed removal vote, an inactivity review):
remove them on GitHub, open the offboarding issue, write the audit log. The roster feature
then moves their row to the emeritus list, as for anyone who leaves the team."""

from __future__ import annotations

import logging

from app.features.offboarding import templates as t
from app.github import marked_issues
from app.github.teams import remove_from_team
from app.org import Org

log = logging.getLogger(__name__)


async def offboard(org: Org, login: str, how: str, cause: str) -> int:
    """Remove ``login`` from the team and open (or find) their offboarding issue; returns
    its number. ``how`` says why in words, ``cause`` names what caused it (an issue, a
    review). Safe to run again: someone already off the team is not removed twice, and the
    open offboarding issue is found by its marker."""
    team, gh = org.config.team, org.gh
    if await remove_from_team(org, team, login, cause):
        await org.audit("member.removed", cause, login=login, how=how)
        log.info("%s: removed %s from %s (%s)", org.login, login, team, how)
    venues = org.config.onboarding.venues
    title, body = t.offboarding_issue(org.login, team, login, how, venues)
    return await marked_issues.upsert(
        gh,
        org.login,
        org.config.governance_repo,
        label=t.OFFBOARDING,
        marker=t.offboarding_marker(login),
        title=title,
        body=body,
    )
