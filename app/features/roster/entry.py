"""Roster events: team membership and team changes keep the public lists in sync."""

from __future__ import annotations

from gidgethub import routing, sansio

from app.feature import Feature
from app.feature_routing import handles
from app.features import roster as rostersync
from app.features.orgconfig import configured
from app.features.roster import commands
from app.org import Installation
from app.scheduler import Job

router = routing.Router()


@handles(router, "membership", action="added")
@handles(router, "membership", action="removed")
async def on_membership(event: sansio.Event, inst: Installation) -> None:
    data = event.data
    slug = data["team"].get("slug")
    if data.get("scope") != "team" or not slug:
        return  # a deleted team's payload has no slug; `team.deleted` says it
    org = await configured(inst)
    if org is None:
        return
    change = (data["action"], slug, data["member"]["login"])
    await rostersync.on_membership(org, *change, data["sender"]["login"])


@handles(router, "organization", action="member_removed")
@handles(router, "team", action="edited")
async def on_org_or_team_change(event: sansio.Event, inst: Installation) -> None:
    data = event.data
    org = await configured(inst)
    if org is None:
        return
    team = data.get("team")
    old_name = ((data.get("changes") or {}).get("name") or {}).get("from")
    if team is not None and old_name:
        renamed = (old_name, team["slug"])
        if await rostersync.on_team_renamed(org, renamed, data["sender"]["login"]):
            return
    if team is not None and team.get("slug", "").lower() not in rostersync.followed_teams(
        org.config
    ):
        return
    await rostersync.reconcile_org(org)


@handles(router, "team", action="deleted")
async def on_team_deleted(event: sansio.Event, inst: Installation) -> None:
    org = await configured(inst)
    if org is not None:
        data = event.data
        await rostersync.on_team_deleted(org, data["team"]["slug"], data["sender"]["login"])


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
