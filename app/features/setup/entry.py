"""Setup's events: a new installation, or repositories added to one, are checked at once."""

from __future__ import annotations

from typing import Any

from gidgethub import routing, sansio

from app.feature import Feature
from app.features.setup.check import check_installation

router = routing.Router()


@router.register("installation", action="created")
@router.register("installation_repositories", action="added")
async def on_installed(event: sansio.Event, gh: Any, *args: Any, ctx: Any, **kwargs: Any) -> None:
    installation = event.data["installation"]
    if installation["account"]["type"] != "Organization":
        return  # a personal account has no teams to run a response team with
    await check_installation(ctx, gh, installation["id"], installation["account"]["login"])


FEATURE = Feature(name="setup", router=router)
