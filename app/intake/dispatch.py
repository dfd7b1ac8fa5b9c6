"""Commands typed in issue comments: dispatched to the feature the wiring table names."""

from __future__ import annotations

from gidgethub import routing, sansio

from app.feature_routing import handles
from app.features.orgconfig import configured, reply_not_set_up
from app.intake import commands
from app.org import Installation

router = routing.Router()


@handles(router, "issue_comment", action="created")
async def on_command(event: sansio.Event, inst: Installation) -> None:
    data = event.data
    if data["sender"]["type"] == "Bot":
        return  # bots, Warden included, are never answered
    lines = commands.parse_commands(data["comment"]["body"])
    if not lines:
        return
    org = await configured(inst)
    if org is None:
        if any(c.name in commands.KNOWN for c in lines):
            owner = data["repository"]["owner"]
            await reply_not_set_up(inst.gh, data["issue"], owner["login"], owner["html_url"])
        return
    for command in lines:
        await dispatch(commands.Invocation(command, data, org))


async def dispatch(call: commands.Invocation) -> None:
    handler = call.org.ctx.wiring.commands.get(call.command.name)
    if handler is not None:
        await handler(call)
        return
    # Elsewhere a line such as "/usr/lib is missing" is prose, not a command.
    if call.repo == call.org.config.governance_repo:
        body = commands.unknown_reply(call.command, call.org.ctx.wiring.commands)
        await call.org.gh.post(call.issue["comments_url"], data={"body": body})
