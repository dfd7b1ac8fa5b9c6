"""Setup's events: a new installation, or repositories added to one, are checked at once."""

from __future__ import annotations

from gidgethub import routing, sansio

from app.feature import Feature
from app.feature_routing import handles
from app.features.setup.check import check_installation
from app.org import Installation

router = routing.Router()


@handles(router, "installation", action="created")
@handles(router, "installation_repositories", action="added")
async def on_installed(event: sansio.Event, inst: Installation) -> None:
    if event.data["installation"]["account"]["type"] != "Organization":
        return  # a personal account has no teams to run a response team with
    await check_installation(inst)


FEATURE = Feature(name="setup", router=router)
