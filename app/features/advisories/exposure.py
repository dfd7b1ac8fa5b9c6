"""A governance repository made public with tracking issues in it: Warden already writes
nothing more there (app/.../scope.py); the admins are told at once that the tracking issues
written before are now visible to everyone, in one issue in the ``.github`` repository that
names no advisory."""

from __future__ import annotations

import logging

from app.features.advisories.scope import Scope, as_app_client
from app.github import labels, marked_issues
from app.github.teams import team_logins

log = logging.getLogger(__name__)

CONFIG_REPO = ".github"
MARKER = "<!-- warden:tracking-issues-public -->"
TITLE = "Advisory tracking issues are public: make {repo} private again"
BODY = """\
{marker}
{mentions}: `{org}/{repo}` is public, and the {count} advisory tracking issue{s} Warden opened \
there (label `warden/advisory`) can now be read by everyone, with whatever was said in them \
about reports that may still be under embargo.

Make `{org}/{repo}` private again now (Settings, Danger Zone, Change visibility), then check \
who could have seen it. Until then Warden writes nothing there. Close this issue once it is \
private again.
"""


async def tracked_count(scope: Scope) -> int:
    row = await scope.ctx.store.fetchrow(
        "SELECT COUNT(*) AS n FROM advisories WHERE installation_id = ? "
        "AND tracking_issue IS NOT NULL",
        scope.org.id,
    )
    return int(row["n"]) if row else 0


async def admin_mentions(scope: Scope) -> str:
    """``@org/admins`` for an admins team; the canonical team's maintainers otherwise."""
    config = scope.config
    if not config.admins_are_maintainers:
        return f"@{scope.org.login}/{config.admins}"
    gh = as_app_client(scope.gh)
    found = await team_logins(gh, scope.org.login, config.team, role="maintainer")
    return ", ".join(f"@{login}" for login in sorted(found, key=str.casefold)) or "Admins"


async def alert_if_exposed(scope: Scope) -> int | None:
    """The alert issue's number when the governance repository is public and holds tracking
    issues (opened once, kept open; an open one is left as it is), else None."""
    if scope.governance_private:
        return None
    count = await tracked_count(scope)
    if count == 0:
        return None
    repo = scope.config.governance_repo
    body = BODY.format(
        marker=MARKER,
        mentions=await admin_mentions(scope),
        org=scope.org.login,
        repo=repo,
        count=count,
        s="" if count == 1 else "s",
    )
    number = await marked_issues.upsert(
        scope.gh,
        scope.org.login,
        CONFIG_REPO,
        label=labels.CONFIG_ERROR,
        marker=MARKER,
        title=TITLE.format(repo=repo),
        body=body,
        digest=MARKER,
    )
    log.error(
        "%s: %s is public with %d tracking issues; alert #%s", scope.org.login, repo, count, number
    )
    return number
