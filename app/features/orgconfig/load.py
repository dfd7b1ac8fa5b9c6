"""Load an org's config from its `.github` repo: apply it if valid, else report and keep the old."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from gidgethub.abc import GitHubAPI

from app.context import Context
from app.features.orgconfig import records
from app.features.orgconfig import templates as t
from app.features.orgconfig.error_issue import close_error_issue, report_errors
from app.features.orgconfig.reads import ConfigFile, org_issues, read_config_file
from app.org import Installation, Org
from config import ConfigError, ConfigIssue, WardenConfig, load_config

log = logging.getLogger(__name__)


ConfigHook = Callable[[Installation, WardenConfig | None, WardenConfig], Awaitable[None]]
"""Called as ``hook(installation, old, new)`` after a changed valid config
is put in force (``old`` is None for the first one). Features name theirs in the wiring table
(``Feature.config_hooks``); every process runs the hooks of ``ctx.wiring``."""


@dataclass(frozen=True)
class LoadResult:
    """What one load found: valid, invalid or missing; the problems; the config in force."""

    status: str
    issues: tuple[ConfigIssue, ...]
    in_force: WardenConfig | None
    error_issue: int | None = None


async def validate(gh: GitHubAPI, org: str, text: str) -> WardenConfig | list[ConfigIssue]:
    """The config, or every problem with it (file problems first; then teams and repos)."""
    try:
        config = load_config(text)
    except ConfigError as exc:
        return exc.issues
    return await org_issues(gh, org, config) or config


async def reload_config(org: Installation, pushed_sha: str | None = None) -> LoadResult:
    """Read `.github/warden.yml` on the default branch and put it in force if it is valid.

    An invalid file changes nothing in force: the error issue lists its problems instead.
    `pushed_sha` (the commit a push brought) pins the error issue's links to that commit.
    """
    mem = records.memory(org.ctx.store)
    async with mem.lock(org.id):
        file = await read_config_file(org.gh, org.login)
        if file is None:
            return await _missing(org)
        checked = await validate(org.gh, org.login, file.text)
        if isinstance(checked, WardenConfig):
            return await _valid(org.configured(checked), file, pushed_sha)
        return await _invalid(org, file, checked, pushed_sha)


async def _valid(org: Org, file: ConfigFile, pushed_sha: str | None) -> LoadResult:
    now = org.ctx.clock.time()
    before = await records.fetch_stored(org.ctx.store, org.id)
    await records.save_valid(org.ctx.store, org.id, org.login, file.text, file.sha, now)
    _remember(org.ctx, org.id, org.config, file.sha)
    await close_error_issue(org.gh, org.login, t.fixed_comment(pushed_sha))
    log.info("config of %s loaded (%s)", org.login, file.sha[:12])
    if before is None or before.sha != file.sha:
        old = records.parse_stored(before) if before is not None else None
        await _run_hooks(org, old, org.config)
    return LoadResult(records.VALID, (), org.config)


async def _run_hooks(org: Installation, old: WardenConfig | None, new: WardenConfig) -> None:
    """Tell features about the new config; one failing never undoes the load (their
    scheduled sweeps repair what a hook missed)."""
    for hook in org.ctx.wiring.config_hooks:
        try:
            await hook(org, old, new)
        except Exception:
            log.exception("%s failed after the config of %s changed", hook.__qualname__, org.login)


async def _invalid(
    org: Installation, file: ConfigFile, issues: list[ConfigIssue], pushed_sha: str | None
) -> LoadResult:
    await records.save_invalid(org.ctx.store, org.id, org.login, org.ctx.clock.time())
    number = await report_errors(org.gh, org.login, issues, file.blob_url(pushed_sha))
    in_force = await current_config(org)
    log.warning("config of %s has %s; the last valid one stays", org.login, t.problems(len(issues)))
    return LoadResult(records.INVALID, tuple(issues), in_force, number)


async def _missing(org: Installation) -> LoadResult:
    await records.save_missing(org.ctx.store, org.id, org.login, org.ctx.clock.time())
    _remember(org.ctx, org.id, None, None)
    await close_error_issue(org.gh, org.login, t.removed_comment())
    log.info("no config for %s: the org is not set up", org.login)
    return LoadResult(records.MISSING, (), None)


def _remember(
    ctx: Context, installation_id: int, config: WardenConfig | None, sha: str | None
) -> None:
    remembered = records.Remembered(config, sha, ctx.clock.time())
    records.memory(ctx.store).configs[installation_id] = remembered


async def configured(org: Installation) -> Org | None:
    """The organisation with its config in force; None when it is not set up."""
    config = await current_config(org)
    return org.configured(config) if config is not None else None


async def current_config(org: Installation) -> WardenConfig | None:
    """The config in force for an installation; None when the org is not set up.

    From memory, else from the database (the last valid file), else loaded from GitHub once.
    """
    mem = records.memory(org.ctx.store)
    fresh = mem.fresh(org.id, org.ctx.clock.time())
    if fresh is not None:
        return fresh.config
    row = await records.fetch_stored(org.ctx.store, org.id)
    if row is None:
        return (await reload_config(org)).in_force
    known = mem.configs.get(org.id)
    config = known.config if known is not None and known.sha == row.sha else None
    if config is None:
        config = records.parse_stored(row)
    _remember(org.ctx, org.id, config, row.sha if config is not None else None)
    return config
