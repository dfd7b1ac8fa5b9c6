"""All event handlers, combined into the one router the workers dispatch through."""

from __future__ import annotations

from gidgethub import routing

from app.features.setup import entry as setup
from handlers import advisories, commands, config, nominations, roster

routers: list[routing.Router] = [
    config.router,
    commands.router,
    nominations.router,
    advisories.router,
    roster.router,
    setup.router,
]

router = routing.Router(*routers)
