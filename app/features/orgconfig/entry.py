"""Org config events: reload on a push to `.github`, check pull requests, load on install."""

from __future__ import annotations

from typing import Any

from gidgethub import routing, sansio

from app.feature import Feature
from app.features.orgconfig import CONFIG_PATH, CONFIG_REPO, check_pull_request, reload_config
from app.features.orgconfig.sweep import reload_all_configs
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


@router.register("push")
async def on_push(event: sansio.Event, gh: Any, *args: Any, ctx: Any, **kwargs: Any) -> None:
    repo = event.data["repository"]
    if repo["name"] != CONFIG_REPO or event.data["ref"] != f"refs/heads/{repo['default_branch']}":
        return  # other branches are never applied
    if event.data.get("deleted") or not touches_config(event.data):
        return
    installation_id = event.data["installation"]["id"]
    org = repo["owner"]["login"]
    await reload_config(ctx, gh, installation_id, org, pushed_sha=event.data["after"])


@router.register("pull_request", action="opened")
@router.register("pull_request", action="synchronize")
@router.register("pull_request", action="reopened")
async def on_pull_request(
    event: sansio.Event, gh: Any, *args: Any, ctx: Any, **kwargs: Any
) -> None:
    if event.data["repository"]["name"] != CONFIG_REPO:
        return
    installation_id = event.data["installation"]["id"]
    await check_pull_request(ctx, gh, installation_id, event.data["pull_request"])


@router.register("installation", action="created")
async def on_installed(event: sansio.Event, gh: Any, *args: Any, ctx: Any, **kwargs: Any) -> None:
    installation = event.data["installation"]
    await reload_config(ctx, gh, installation["id"], installation["account"]["login"])


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
