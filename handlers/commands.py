"""Commands typed in issue comments; for now only the reply in orgs where Warden is not set up."""

from __future__ import annotations

from typing import Any

from gidgethub import routing, sansio

from app.orgconfig import current_config, has_command, reply_not_set_up

router = routing.Router()


@router.register("issue_comment", action="created")
async def on_command(event: sansio.Event, gh: Any, *args: Any, ctx: Any, **kwargs: Any) -> None:
    comment = event.data["comment"]
    if event.data["sender"]["type"] == "Bot" or not has_command(comment["body"]):
        return  # bots, Warden included, are never answered
    owner = event.data["repository"]["owner"]
    installation_id = event.data["installation"]["id"]
    if await current_config(ctx, gh, installation_id, owner["login"]) is not None:
        return  # set up: each command's own feature answers it
    await reply_not_set_up(gh, event.data["issue"], owner["login"], owner["html_url"])
