"""Nomination issues, their labels and comments, and team changes that touch a vote."""

from __future__ import annotations

from typing import Any

from gidgethub import routing, sansio

from app.feature import Feature
from app.feature_routing import handles
from app.features import votes as nominations
from app.features.orgconfig import configured
from app.features.votes import commands
from app.org import Installation
from app.scheduler import Job

router = routing.Router()


def _labelled_nomination(issue: dict[str, Any]) -> bool:
    return any(label["name"] == nominations.NOMINATION for label in issue.get("labels") or [])


@handles(router, "issues", action="opened")
@handles(router, "issues", action="labeled")
async def on_nomination(event: sansio.Event, inst: Installation) -> None:
    data = event.data
    if data["action"] == "labeled" and data["label"]["name"] != nominations.NOMINATION:
        return
    if not _labelled_nomination(data["issue"]):
        return
    org = await configured(inst)
    if org is None or data["repository"]["name"] != org.config.governance_repo:
        return
    await nominations.open_nomination(org, data["issue"])


@handles(router, "issues", action="labeled")
@handles(router, "issues", action="unlabeled")
async def on_state_label(event: sansio.Event, inst: Installation) -> None:
    if not str(event.data.get("label", {}).get("name", "")).startswith("warden/"):
        return
    org = await configured(inst)
    if org is not None:
        await nominations.restore_label(org.ctx, org.gh, org.config, org.id, event.data)


@handles(router, "issues", action="closed")
async def on_closed(event: sansio.Event, inst: Installation) -> None:
    await nominations.closed_by_hand(inst.ctx, inst.gh, inst.id, event.data)


@handles(router, "issue_comment", action="deleted")
async def on_comment_deleted(event: sansio.Event, inst: Installation) -> None:
    await nominations.comment_deleted(inst.ctx, inst.gh, inst.id, event.data)


@handles(router, "issue_comment", action="edited")
async def on_comment_edited(event: sansio.Event, inst: Installation) -> None:
    await nominations.comment_edited(inst.ctx, inst.gh, inst.id, event.data)


@handles(router, "membership", action="added")
async def on_member_added(event: sansio.Event, inst: Installation) -> None:
    data = event.data
    await nominations.joined_team(inst, data["team"]["slug"], data["member"]["login"])


@handles(router, "membership", action="removed")
async def on_member_removed(event: sansio.Event, inst: Installation) -> None:
    data = event.data
    await nominations.left_team(
        inst, data["team"]["slug"], data["member"]["login"], data.get("sender") or {}
    )


FEATURE = Feature(
    name="votes",
    router=router,
    commands={"vote": commands.on_vote, "veto": commands.on_veto},
    jobs=[
        Job(
            name="votes",
            every=60.0,
            run=nominations.sweep_votes,
            description="count open votes (reactions send no webhook), close those decided or "
            "due; each organisation on its schedule.votes cadence",
        )
    ],
)
