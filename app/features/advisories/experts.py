"""Experts: owners of the files that pull requests in the private fork change."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence

from gidgethub import BadRequest

from app.features.advisories import templates as t
from app.features.advisories.codeowners import CodeOwners, experts_for
from app.features.advisories.fork import fork_pulls
from app.features.advisories.model import Advisory, Wanted, is_bot, patch_for
from app.features.advisories.once import post_once
from app.features.advisories.records import Record
from app.features.advisories.scope import Scope
from app.features.advisories.writes import apply_patch

log = logging.getLogger(__name__)

FILES_URL = "/repos/{owner}/{repo}/pulls/{pull_number}/files{?per_page}"
GITHUB_FILES_CAP = 3000  # GitHub lists at most the first 3000 files of a pull request


async def changed_paths(scope: Scope, fork: str) -> list[str]:
    """Every path changed by a pull request (open or closed) in the private fork."""
    owner, _, name = fork.partition("/")
    paths: list[str] = []
    for pull in await fork_pulls(scope, fork):
        variables = {"owner": owner, "repo": name, "pull_number": pull["number"], "per_page": 100}
        files = [f["filename"] async for f in scope.gh.getiter(FILES_URL, variables)]
        if len(files) >= GITHUB_FILES_CAP:
            log.warning(
                "%s: %s#%s changes more files than GitHub lists (%d): owners of the others "
                "are not found; add them with /expert",
                scope.org.login,
                fork,
                pull["number"],
                GITHUB_FILES_CAP,
            )
        paths += files
    return paths


def expert_owners(
    paths: Iterable[str],
    codeowners: CodeOwners | None,
    experts: Mapping[str, Sequence[str]],
    org: str,
) -> tuple[str, ...]:
    """The owners of ``paths`` (CODEOWNERS: the last matching rule; ``experts``: every
    matching glob), without emails, bots and teams of other organisations, sorted."""
    found = experts_for(paths, codeowners, experts)
    ours = [o for o in found if "/" not in o or o.split("/")[0].lower() == org.lower()]
    return tuple(sorted((o for o in ours if not is_bot(o)), key=str.casefold))


async def owners_of(scope: Scope, adv: Advisory, paths: list[str]) -> tuple[str, ...]:
    """The experts of ``paths`` under the org's config (CODEOWNERS read when enabled)."""
    rules = scope.config.advisories
    codeowners = await scope.codeowners(adv.repo) if rules.codeowners else None
    return expert_owners(paths, codeowners, rules.experts, scope.org.login)


def wanted_for(owners: tuple[str, ...]) -> Wanted:
    """Users as collaborating users, ``org/team`` owners as collaborating teams."""
    users = tuple(o for o in owners if "/" not in o)
    teams = tuple(o.split("/", 1)[1] for o in owners if "/" in o)
    return Wanted(users=users, teams=teams)


async def add_experts(scope: Scope, adv: Advisory, record: Record) -> Record:
    """Add the owners not added before (each once), and name them in the tracking issue.
    Owners GitHub refuses (no such user or team) are remembered and not asked for again."""
    if adv.private_fork is None:
        return record
    owners = await owners_of(scope, adv, await changed_paths(scope, adv.private_fork))
    known = {e.casefold() for e in record.experts + record.refused}
    new = tuple(o for o in owners if o.casefold() not in known)
    if not new:
        return record
    added, refused = await _add(scope, adv, new)
    record = record.but(experts=record.experts + added, refused=record.refused + refused)
    if not added:
        return record
    body = t.experts_added(adv.ghsa_id, added, scope.now)
    return await post_once(scope, record, "experts", body, experts=list(added))


async def _add(
    scope: Scope, adv: Advisory, owners: tuple[str, ...]
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(added, refused): all in one PATCH, or one by one when GitHub refuses that (422).
    Each PATCH sends the whole lists, so each starts from the advisory the last one left."""
    after = await _patched(scope, adv, owners)
    if after is not None or len(owners) == 1:
        return (owners, ()) if after is not None else ((), owners)
    added: list[str] = []
    for owner in owners:
        after = await _patched(scope, adv, (owner,))
        if after is not None:
            adv = after
            added.append(owner)
    return tuple(added), tuple(o for o in owners if o not in added)


async def _patched(scope: Scope, adv: Advisory, owners: tuple[str, ...]) -> Advisory | None:
    """The advisory with ``owners`` added, or None when GitHub refuses them (422)."""
    try:
        return await apply_patch(scope, adv, patch_for(adv, wanted_for(owners)))
    except BadRequest as exc:
        if exc.status_code != 422:
            raise
        log.warning(
            "%s: GitHub refused experts %s on %s: %s", scope.org.login, owners, adv.ghsa_id, exc
        )
        return None
