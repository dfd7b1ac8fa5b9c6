"""`/roster confirm`: an admin lets a paused reconcile remove what it wanted to remove."""

from __future__ import annotations

from typing import cast

import gidgethub.abc
from gidgethub import BadRequest

from app import commands
from app.context import Context
from app.github import GitHubAPI
from app.rostersync import state
from app.rostersync import templates as t
from app.rostersync.sync import reconcile_org
from app.teams import is_member
from config import WardenConfig


async def is_admin(gh: GitHubAPI, org: str, config: WardenConfig, login: str) -> bool:
    """Whether ``login`` is an admin, asked of GitHub (a maintainer of the team, or a
    member of the admins team)."""
    if not config.admins_are_maintainers:
        return await is_member(gh, org, config.admins, login)
    url = "/orgs/{org}/teams/{team_slug}/memberships/{username}"
    try:
        data = await gh.getitem(url, {"org": org, "team_slug": config.team, "username": login})
    except BadRequest as exc:
        if exc.status_code == 404:
            return False
        raise
    return bool(data.get("state") == "active" and data.get("role") == "maintainer")


async def _reply(gh: gidgethub.abc.GitHubAPI, call: commands.Invocation, text: str) -> None:
    await gh.post(call.issue["comments_url"], data={"body": text})


@commands.register("roster")
async def on_roster(ctx: Context, gh: gidgethub.abc.GitHubAPI, call: commands.Invocation) -> None:
    config: WardenConfig = call.config
    if [arg.lower() for arg in call.command.args] != ["confirm"]:
        await _reply(gh, call, t.UNKNOWN_SUBCOMMAND)
        return
    marker = t.alert_marker("removals")
    if call.repo != config.governance_repo or marker not in (call.issue.get("body") or ""):
        await _reply(gh, call, t.NOT_ALERT)
        return
    current = await state.fetch_state(ctx.store, call.installation_id)
    if current is None or current.pending_issue != call.issue["number"]:
        await _reply(gh, call, t.NOTHING_PAUSED)
        return
    if not await is_admin(cast(GitHubAPI, gh), call.org, config, call.sender):
        await _reply(gh, call, t.NOT_ADMIN)
        return
    await state.confirm_removals(ctx.store, call.installation_id, call.sender)
    await reconcile_org(ctx, cast(GitHubAPI, gh), call.installation_id, call.org, config)
