"""Setup's events: a new installation, or repositories added to one, are checked at once."""

from __future__ import annotations

from gidgethub import routing, sansio

from app.feature import Feature
from app.feature_routing import handles
from app.features.orgconfig import reload_config
from app.features.setup.check import check_installation
from app.org import Installation

router = routing.Router()


@handles(router, "installation", action="created")
async def on_installed(event: sansio.Event, inst: Installation) -> None:
    """Load the new installation's config, then check everything Warden needs."""
    if event.data["installation"]["account"]["type"] != "Organization":
        await reload_config(inst)  # a personal account: no teams, nothing more to check
        return
    await check_installation(inst, reload=True)


@handles(router, "installation_repositories", action="added")
async def on_repositories_added(event: sansio.Event, inst: Installation) -> None:
    """Repositories the check may have missed are there now: check again."""
    if event.data["installation"]["account"]["type"] == "Organization":
        await check_installation(inst)


FEATURE = Feature(name="setup", router=router)
