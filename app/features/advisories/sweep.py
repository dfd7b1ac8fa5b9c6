"""The advisory sweep: GitHub sends no webhook for advisory edits, so Warden looks itself."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from gidgethub import BadRequest

from app.context import Context
from app.features.advisories import records
from app.features.advisories.exposure import alert_if_exposed
from app.features.advisories.intake import bring_to_desired, finish_gone
from app.features.advisories.model import OPEN_STATES
from app.features.advisories.records import Record
from app.features.advisories.scope import ADVISORY_URL, Scope, open_scope
from app.features.orgconfig import current_config
from app.org import Installation
from app.scheduler import over_installations
from config import WardenConfig

log = logging.getLogger(__name__)

ORG_ADVISORIES_URL = "/orgs/{org}/security-advisories{?state,per_page}"
RETRY_UNSUPPORTED = 86400.0  # an installation without the advisories API is asked again daily
SLACK = 60.0  # a job started a little early still sweeps


async def sweep_all_advisories(ctx: Context) -> int:
    """Sweep every installation whose advisories are due; return how many advisories."""
    return await over_installations(ctx, "advisories", sweep_installation)


async def sweep_installation(org: Installation, *, force: bool = False) -> int:
    """Bring every advisory in triage or draft to its desired state, and finish the ones that
    left those states; return how many were looked at (0 when not due or not set up)."""
    config = await current_config(org)
    if config is None or not await _due(org.ctx, org.id, config, force):
        return 0
    scope = await open_scope(org)
    if scope is None:
        return 0
    await alert_if_exposed(scope)
    seen = {(r.repo, r.ghsa_id): r for r in await records.unfinished(org.ctx.store, org.id)}
    found = await _open_advisories(scope)
    if found is None:
        return 0
    # Finished ones first: their coordinators' loads drop before anyone is assigned.
    await _finish_the_rest(scope, {str(data["ghsa_id"]).upper() for _, data in found})
    for repo, data in found:
        await _one(scope, repo, data, seen.get((repo, str(data["ghsa_id"]))))
    await records.mark_swept(org.ctx.store, org.id, scope.now, None)
    return len(found)


async def _one(scope: Scope, repo: str, data: Mapping[str, Any], seen: Record | None) -> None:
    """One advisory; GitHub refusing something about it (4xx) does not stop the others."""
    try:
        await bring_to_desired(scope, data, repo, await scope.repo_private(repo), seen)
    except BadRequest as exc:
        log.warning(
            "%s: advisory %s in %s: GitHub refused: %s", scope.org.login, data["ghsa_id"], repo, exc
        )


async def _due(ctx: Context, installation_id: int, config: WardenConfig, force: bool) -> bool:
    last = await records.last_sweep(ctx.store, installation_id)
    if last is None:
        return True
    swept_at, unsupported_at = last
    now = ctx.clock.time()
    if unsupported_at is not None:
        return now - unsupported_at >= RETRY_UNSUPPORTED
    return force or now - swept_at >= config.schedule.advisories.total_seconds() - SLACK


async def _open_advisories(scope: Scope) -> list[tuple[str, Mapping[str, Any]]] | None:
    """(repo, advisory) for each advisory in triage or draft in the configured repositories;
    None when this GitHub has no advisories API (GHES)."""
    found: list[tuple[str, Mapping[str, Any]]] = []
    try:
        for state in OPEN_STATES:
            variables: dict[str, str | int] = {
                "org": scope.org.login,
                "state": state,
                "per_page": 100,
            }
            async for data in scope.gh.getiter(ORG_ADVISORIES_URL, variables):
                repo = repo_of(data)
                if scope.handles(repo):
                    found.append((repo, data))
    except BadRequest as exc:
        if exc.status_code != 404:
            raise
        await _unsupported(scope)
        return None
    return found


async def _unsupported(scope: Scope) -> None:
    last = await records.last_sweep(scope.ctx.store, scope.org.id)
    if last is None or last[1] is None:
        log.warning(
            "%s: this GitHub has no repository security advisories API (404), as on GHES: "
            "advisory features are off for this installation; governance features still work",
            scope.org.login,
        )
    await records.mark_swept(scope.ctx.store, scope.org.id, scope.now, scope.now)


def repo_of(data: Mapping[str, Any]) -> str:
    """The repository name in an advisory's API ``url`` (the advisory object names no repo)."""
    path = str(data["url"]).split("/repos/", 1)[1]
    return path.split("/")[1]


async def _finish_the_rest(scope: Scope, open_now: set[str]) -> None:
    """Advisories Warden tracks that are no longer in triage or draft: closed or published.
    (``open_now``: GHSA ids, unique on GitHub; one listed under a repository's new name is
    not finished but renamed.)"""
    for record in await records.unfinished(scope.ctx.store, scope.org.id):
        if record.ghsa_id.upper() in open_now or not scope.handles(record.repo):
            continue  # a repository taken out of `advisories.repos` is left alone
        variables = scope.advisory_vars(record.repo, record.ghsa_id)
        try:
            data = await scope.gh.getitem(ADVISORY_URL, variables)
        except BadRequest as exc:
            if exc.status_code != 404:
                raise
            await finish_gone(scope, record)
            continue
        private = await scope.repo_private(record.repo)
        await bring_to_desired(scope, data, record.repo, private, record)
