"""Org config events: reload on a push to `.github`, check pull requests. (A new
installation's config is loaded by the setup feature's installation check, which needs it
first: gidgethub calls an event's handlers in no fixed order.)"""

from __future__ import annotations

from typing import Any

from gidgethub import routing, sansio

from app.feature import Feature
from app.feature_routing import handles
from app.features.orgconfig import CONFIG_PATH, CONFIG_REPO, check_pull_request, reload_config
from app.features.orgconfig.sweep import reload_all_configs
from app.org import Installation
from app.scheduler import Job

router = routing.Router()

# GitHub lists at most 20 commits in a push payload; a longer push may hide the change.
MAX_LISTED_COMMITS = 20


def touches_config(push: dict[str, Any]) -> bool:
    """Whether a push's commits add, change or remove `.github/warden.yml`."""
    commits = push.get("commits") or []
    if len(commits) >= MAX_LISTED_COMMITS:
        return True
    return any(
        CONFIG_PATH in (c.get("added", []) + c.get("modified", []) + c.get("removed", []))
        for c in commits
    )


@handles(router, "push")
async def on_push(event: sansio.Event, inst: Installation) -> None:
    repo = event.data["repository"]
    if repo["name"] != CONFIG_REPO or event.data["ref"] != f"refs/heads/{repo['default_branch']}":
        return  # other branches are never applied
    if event.data.get("deleted") or not touches_config(event.data):
        return
    await reload_config(inst, pushed_sha=event.data["after"])


@handles(router, "pull_request", action="opened")
@handles(router, "pull_request", action="synchronize")
@handles(router, "pull_request", action="reopened")
async def on_pull_request(event: sansio.Event, inst: Installation) -> None:
    if event.data["repository"]["name"] != CONFIG_REPO:
        return
    await check_pull_request(inst, event.data["pull_request"])


FEATURE = Feature(
    name="orgconfig",
    router=router,
    jobs=[
        Job(
            name="reload-configs",
            every=3600.0,
            run=reload_all_configs,
            description="reload each organisation's .github/warden.yml (repairs missed pushes)",
        )
    ],
)
