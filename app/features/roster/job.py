"""The scheduled reconcile (repairs drift missed by events) and the dry run."""

from __future__ import annotations

import logging
import sys
from dataclasses import replace

from app.context import Context
from app.features.orgconfig import current_config
from app.features.roster import records
from app.features.roster import templates as t
from app.features.roster.guard import follow_renames
from app.features.roster.reads import read_lists, read_team
from app.features.roster.reconcile import plan, reconcile_org
from app.org import Installation, each_installation
from app.scheduler import over_installations
from config import WardenConfig

log = logging.getLogger(__name__)


async def _due(ctx: Context, installation_id: int, config: WardenConfig) -> bool:
    current = await records.fetch_state(ctx.store, installation_id)
    if current is None or current.reconciled_at is None or current.team != config.team:
        return True
    return ctx.clock.time() - current.reconciled_at >= config.schedule.roster.total_seconds()


async def reconcile_due(ctx: Context) -> int:
    """Reconcile every organisation whose `schedule.roster` cadence is due; return how many."""

    async def reconcile(inst: Installation) -> int:
        config = await current_config(inst)
        if config is None or not await _due(ctx, inst.id, config):
            return 0
        outcome = await reconcile_org(inst.configured(config))
        log.info("roster of %s: %s", inst.login, outcome.status)
        return 1

    return await over_installations(ctx, "roster", reconcile)


async def dry_run_lines(org: Installation) -> list[str]:
    """The lines `python -m app roster ORG --dry-run` prints: what a reconcile would change."""
    config = await current_config(org)
    if config is None:
        return [f"{org.login} is not set up: .github/warden.yml is missing or was never valid."]
    team = await read_team(org.gh, org.login, config)
    renamed = await follow_renames(org.ctx, org.id, config, team, record=False)
    current = await records.fetch_state(org.ctx.store, org.id)
    team = replace(team, renamed=renamed, listed=current.listed if current else None)
    head = f"team @{org.login}/{config.team}: {len(team.members)} members, admins: " + (
        ", ".join(f"@{login}" for login in sorted(team.admins)) or "none"
    )
    if config.roster.repo is None:
        return [head, "no public list is kept (roster.repo is empty)."]
    lists = await read_lists(org.gh, org.login, config)
    update = await plan(org.gh, config, team, lists, org.ctx)
    where = f"{org.login}/{lists.repo}:{lists.public.path} and {lists.emeritus.path}"
    changes = t.change_lines(update.diff, update.pending)
    if not update.diff.changed:
        return [head, f"{where} match the team; nothing to change.", *changes]
    via = "a pull request" if config.roster.via == "pull_request" else "a commit"
    diffs = [
        line
        for file, text in ((lists.public, update.public), (lists.emeritus, update.emeritus))
        for line in t.file_diff(file.path, file.text, text)
    ]
    return [head, f"{where} would change, by {via}:", *changes, *diffs]


async def roster_command(ctx: Context, org: str, dry_run: bool) -> int:
    """`python -m app roster ORG [--dry-run]`: print the difference, or reconcile now."""
    async for inst in each_installation(ctx):
        if inst.login.lower() != org.lower():
            continue
        if dry_run:
            print("\n".join(await dry_run_lines(inst)))
            return 0
        config = await current_config(inst)
        if config is None:
            print(f"{inst.login} is not set up: .github/warden.yml is missing or was never valid.")
            return 1
        outcome = await reconcile_org(inst.configured(config))
        print(f"roster of {inst.login}: {outcome.status}")
        print("\n".join(t.change_lines(outcome.diff, outcome.pending)))
        return 0
    print(f"warden: the app is not installed on {org}", file=sys.stderr)
    return 1
