"""`/roster confirm`: an admin lets a paused reconcile remove what it wanted to remove."""

from __future__ import annotations

import gidgethub.abc

from app.features.roster import records
from app.features.roster import templates as t
from app.features.roster.reconcile import reconcile_org
from app.github.teams import is_admin
from app.intake import commands


async def _reply(gh: gidgethub.abc.GitHubAPI, call: commands.Invocation, text: str) -> None:
    await gh.post(call.issue["comments_url"], data={"body": text})


async def on_roster(call: commands.Invocation) -> None:
    ctx, gh, config = call.org.ctx, call.org.gh, call.org.config
    if [arg.lower() for arg in call.command.args] != ["confirm"]:
        await _reply(gh, call, t.UNKNOWN_SUBCOMMAND)
        return
    marker = t.alert_marker("removals")
    if call.repo != config.governance_repo or marker not in (call.issue.get("body") or ""):
        await _reply(gh, call, t.NOT_ALERT)
        return
    current = await records.fetch_state(ctx.store, call.org.id)
    if current is None or current.pending_issue != call.issue["number"]:
        await _reply(gh, call, t.NOTHING_PAUSED)
        return
    if not await is_admin(gh, call.org.login, config, call.sender):
        await _reply(gh, call, t.NOT_ADMIN)
        return
    await records.confirm_removals(ctx.store, call.org.id, call.sender)
    await reconcile_org(call.org)
