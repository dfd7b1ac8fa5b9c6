"""Advisory events: a report arrives or is published; a pull request in an advisory's fork."""

from __future__ import annotations

import re

from gidgethub import BadRequest, routing, sansio

from app.feature import Feature
from app.feature_routing import handles
from app.features.advisories import commands, tracking
from app.features.advisories.intake import on_advisory_event
from app.features.advisories.restore import on_tracking_issue_changed
from app.features.advisories.sweep import sweep_all_advisories
from app.org import Installation
from app.scheduler import Job

router = routing.Router()

# GitHub names a temporary private fork after its repository and advisory.
FORK_NAME = re.compile(r"^(?P<repo>.+)-ghsa(?P<id>(?:-[23456789cfghjmpqrvwx]{4}){3})$")


@handles(router, "repository_advisory", action="reported")
@handles(router, "repository_advisory", action="published")
async def on_advisory(event: sansio.Event, inst: Installation) -> None:
    data = event.data
    repo, ghsa_id = data["repository"]["name"], data["repository_advisory"]["ghsa_id"]
    await on_advisory_event(inst, repo, ghsa_id)


@handles(router, "pull_request", action="opened")
@handles(router, "pull_request", action="synchronize")
@handles(router, "pull_request", action="reopened")
async def on_fork_pull_request(event: sansio.Event, inst: Installation) -> None:
    """Experts at once when GitHub sends events from the fork (else the sweep finds them)."""
    repo = event.data["repository"]
    match = FORK_NAME.match(repo["name"])
    if match is None or not repo["private"]:
        return
    try:
        await on_advisory_event(inst, match["repo"], "GHSA" + match["id"])
    except BadRequest as exc:
        if exc.status_code != 404:  # a private repository named like a fork, not one
            raise


@handles(router, "issues", action="edited")
@handles(router, "issues", action="closed")
@handles(router, "issues", action="unlabeled")
async def on_tracking_issue(event: sansio.Event, inst: Installation) -> None:
    """A tracking issue changed by hand: Warden's parts are put back."""
    await on_tracking_issue_changed(inst, event.data)


FEATURE = Feature(
    name="advisories",
    router=router,
    commands={
        "coordinate": commands.on_coordinate,
        "credit": commands.on_credit,
        "expert": commands.on_expert,
    },
    jobs=[
        Job(
            name="advisories",
            every=900.0,
            run=sweep_all_advisories,
            description="bring every advisory in triage or draft to its desired state (no "
            "webhook tells of edits)",
        )
    ],
    config_hooks=[tracking.on_config_change],
)
