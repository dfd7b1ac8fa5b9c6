"""All event handlers, combined into the one router the workers dispatch through."""

from __future__ import annotations

from gidgethub import routing

routers: list[routing.Router] = []

router = routing.Router(*routers)
