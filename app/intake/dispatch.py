"""Commands typed in issue comments: dispatched to the feature that registered them."""

from __future__ import annotations

from typing import Any

from gidgethub import routing, sansio

from app.features.orgconfig import current_config, reply_not_set_up
from app.intake import commands

router = routing.Router()


@router.register("issue_comment", action="created")
async def on_command(event: sansio.Event, gh: Any, *args: Any, ctx: Any, **kwargs: Any) -> None:
    data = event.data
    if data["sender"]["type"] == "Bot":
        return  # bots, Warden included, are never answered
    lines = commands.parse_commands(data["comment"]["body"])
    if not lines:
        return
    owner = data["repository"]["owner"]
    installation_id = data["installation"]["id"]
    config = await current_config(ctx, gh, installation_id, owner["login"])
    if config is None:
        if any(c.name in commands.KNOWN for c in lines):
            await reply_not_set_up(gh, data["issue"], owner["login"], owner["html_url"])
        return
    for command in lines:
        call = commands.Invocation(command, data, installation_id, owner["login"], config)
        await dispatch(ctx, gh, call)


async def dispatch(ctx: Any, gh: Any, call: commands.Invocation) -> None:
    handler = ctx.wiring.commands.get(call.command.name)
    if handler is not None:
        await handler(ctx, gh, call)
        return
    # Elsewhere a line such as "/usr/lib is missing" is prose, not a command.
    if call.repo == call.config.governance_repo:
        body = commands.unknown_reply(call.command, ctx.wiring.commands)
        await gh.post(call.issue["comments_url"], data={"body": body})
