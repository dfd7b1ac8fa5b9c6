"""Advisory events: a private vulnerability report arrives, or an advisory is published."""

from __future__ import annotations

from typing import Any

from gidgethub import routing, sansio

from app.advisories import commands as _commands  # noqa: F401  (registers /coordinate ...)
from app.advisories.intake import on_advisory_event

router = routing.Router()


@router.register("repository_advisory", action="reported")
@router.register("repository_advisory", action="published")
async def on_advisory(event: sansio.Event, gh: Any, *args: Any, ctx: Any, **kwargs: Any) -> None:
    data = event.data
    repo = data["repository"]
    await on_advisory_event(
        ctx,
        gh,
        data["installation"]["id"],
        repo["owner"]["login"],
        repo["name"],
        data["repository_advisory"]["ghsa_id"],
    )
