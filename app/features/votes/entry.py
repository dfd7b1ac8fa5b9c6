"""Nomination issues, their labels and comments, and team changes that touch a vote."""

from __future__ import annotations

from typing import Any

from gidgethub import routing, sansio

from app.feature import Feature
from app.features import votes as nominations
from app.features.orgconfig import current_config
from app.features.votes import commands
from app.scheduler import Job

router = routing.Router()


async def _config(ctx: Any, gh: Any, data: dict[str, Any]) -> Any:
    org = data["repository"]["owner"]["login"]
    return await current_config(ctx, gh, data["installation"]["id"], org)


def _labelled_nomination(issue: dict[str, Any]) -> bool:
    return any(label["name"] == nominations.NOMINATION for label in issue.get("labels") or [])


@router.register("issues", action="opened")
@router.register("issues", action="labeled")
async def on_nomination(event: sansio.Event, gh: Any, *args: Any, ctx: Any, **kwargs: Any) -> None:
    data = event.data
    if data["action"] == "labeled" and data["label"]["name"] != nominations.NOMINATION:
        return
    if not _labelled_nomination(data["issue"]):
        return
    config = await _config(ctx, gh, data)
    if config is None or data["repository"]["name"] != config.governance_repo:
        return
    org = data["repository"]["owner"]["login"]
    await nominations.open_nomination(
        ctx, gh, config, data["installation"]["id"], org, data["issue"]
    )


@router.register("issues", action="labeled")
@router.register("issues", action="unlabeled")
async def on_state_label(event: sansio.Event, gh: Any, *args: Any, ctx: Any, **kwargs: Any) -> None:
    if not str(event.data.get("label", {}).get("name", "")).startswith("warden/"):
        return
    config = await _config(ctx, gh, event.data)
    if config is not None:
        await nominations.guard_label(ctx, gh, config, event.data["installation"]["id"], event.data)


@router.register("issues", action="closed")
async def on_closed(event: sansio.Event, gh: Any, *args: Any, ctx: Any, **kwargs: Any) -> None:
    await nominations.closed_by_hand(ctx, gh, event.data["installation"]["id"], event.data)


@router.register("issue_comment", action="deleted")
async def on_comment_deleted(
    event: sansio.Event, gh: Any, *args: Any, ctx: Any, **kwargs: Any
) -> None:
    await nominations.comment_deleted(ctx, gh, event.data["installation"]["id"], event.data)


@router.register("issue_comment", action="edited")
async def on_comment_edited(
    event: sansio.Event, gh: Any, *args: Any, ctx: Any, **kwargs: Any
) -> None:
    await nominations.comment_edited(ctx, gh, event.data["installation"]["id"], event.data)


@router.register("membership", action="added")
async def on_member_added(
    event: sansio.Event, gh: Any, *args: Any, ctx: Any, **kwargs: Any
) -> None:
    data = event.data
    org = data["organization"]["login"]
    await nominations.joined_team(
        ctx, gh, data["installation"]["id"], org, data["team"]["slug"], data["member"]["login"]
    )


FEATURE = Feature(
    name="votes",
    router=router,
    commands={"vote": commands.on_vote, "veto": commands.on_veto},
    jobs=[
        Job(
            name="votes",
            every=600.0,
            run=nominations.sweep_votes,
            description="count open votes (reactions send no webhook), close those decided or due",
        )
    ],
)
