"""Roster events: team membership and team changes keep the public lists in sync."""

from __future__ import annotations

from typing import Any

from gidgethub import routing, sansio

from app.feature import Feature
from app.features import roster as rostersync
from app.features.orgconfig import current_config
from app.features.roster import commands
from app.scheduler import Job

router = routing.Router()


async def _config(ctx: Any, gh: Any, data: dict[str, Any]) -> Any:
    org = data["organization"]["login"]
    return await current_config(ctx, gh, data["installation"]["id"], org)


@router.register("membership", action="added")
@router.register("membership", action="removed")
async def on_membership(event: sansio.Event, gh: Any, *args: Any, ctx: Any, **kwargs: Any) -> None:
    data = event.data
    slug = data["team"].get("slug")
    if data.get("scope") != "team" or not slug:
        return  # a deleted team's payload has no slug; `team.deleted` says it
    config = await _config(ctx, gh, data)
    if config is None:
        return
    await rostersync.on_membership(
        ctx,
        gh,
        data["installation"]["id"],
        data["organization"]["login"],
        config,
        data["action"],
        slug,
        data["member"]["login"],
        data["sender"]["login"],
    )


@router.register("organization", action="member_removed")
@router.register("team", action="edited")
async def on_org_or_team_change(
    event: sansio.Event, gh: Any, *args: Any, ctx: Any, **kwargs: Any
) -> None:
    data = event.data
    config = await _config(ctx, gh, data)
    if config is None:
        return
    team = data.get("team")
    org = data["organization"]["login"]
    old_name = ((data.get("changes") or {}).get("name") or {}).get("from")
    if team is not None and old_name:
        sender = data["sender"]["login"]
        installation_id = data["installation"]["id"]
        renamed = (old_name, team["slug"])
        if await rostersync.on_team_renamed(ctx, gh, installation_id, org, config, renamed, sender):
            return
    if team is not None and team.get("slug", "").lower() not in rostersync.followed_teams(config):
        return
    await rostersync.reconcile_org(ctx, gh, data["installation"]["id"], org, config)


@router.register("team", action="deleted")
async def on_team_deleted(
    event: sansio.Event, gh: Any, *args: Any, ctx: Any, **kwargs: Any
) -> None:
    data = event.data
    config = await _config(ctx, gh, data)
    if config is None:
        return
    org = data["organization"]["login"]
    await rostersync.on_team_deleted(
        ctx,
        gh,
        data["installation"]["id"],
        org,
        config,
        data["team"]["slug"],
        data["sender"]["login"],
    )


FEATURE = Feature(
    name="roster",
    router=router,
    commands={"roster": commands.on_roster},
    jobs=[
        Job(
            name="roster",
            every=3600.0,
            run=rostersync.reconcile_due,
            description="reconcile each team with its public and emeritus lists (schedule.roster)",
        )
    ],
    config_hooks=[rostersync.on_config_change],
)
