"""Load an org's config from its `.github` repo: apply it if valid, else report and keep the old."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from gidgethub.abc import GitHubAPI

from app.context import Context
from app.features.orgconfig import records as stored
from app.features.orgconfig import templates as t
from app.features.orgconfig.error_issue import close_error_issue, report_errors
from app.features.orgconfig.reads import ConfigFile, org_issues, read_config_file
from config import ConfigError, ConfigIssue, WardenConfig, load_config

log = logging.getLogger(__name__)


ConfigHook = Callable[
    [Context, GitHubAPI, int, str, WardenConfig | None, WardenConfig], Awaitable[None]
]
"""Called as ``hook(ctx, gh, installation_id, org, old, new)`` after a changed valid config
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


async def reload_config(
    ctx: Context, gh: GitHubAPI, installation_id: int, org: str, pushed_sha: str | None = None
) -> LoadResult:
    """Read `.github/warden.yml` on the default branch and put it in force if it is valid.

    An invalid file changes nothing in force: the error issue lists its problems instead.
    `pushed_sha` (the commit a push brought) pins the error issue's links to that commit.
    """
    mem = stored.memory(ctx.store)
    async with mem.lock(installation_id):
        file = await read_config_file(gh, org)
        if file is None:
            return await _missing(ctx, gh, installation_id, org)
        checked = await validate(gh, org, file.text)
        if isinstance(checked, WardenConfig):
            return await _valid(ctx, gh, installation_id, org, file, checked, pushed_sha)
        return await _invalid(ctx, gh, installation_id, org, file, checked, pushed_sha)


async def _valid(
    ctx: Context,
    gh: GitHubAPI,
    installation_id: int,
    org: str,
    file: ConfigFile,
    config: WardenConfig,
    pushed_sha: str | None,
) -> LoadResult:
    now = ctx.clock.time()
    before = await stored.fetch_stored(ctx.store, installation_id)
    await stored.save_valid(ctx.store, installation_id, org, file.text, file.sha, now)
    _remember(ctx, installation_id, config, file.sha)
    await close_error_issue(gh, org, t.fixed_comment(pushed_sha))
    log.info("config of %s loaded (%s)", org, file.sha[:12])
    if before is None or before.sha != file.sha:
        old = stored.parse_stored(before) if before is not None else None
        await _run_hooks(ctx, gh, installation_id, org, old, config)
    return LoadResult(stored.VALID, (), config)


async def _run_hooks(
    ctx: Context,
    gh: GitHubAPI,
    installation_id: int,
    org: str,
    old: WardenConfig | None,
    new: WardenConfig,
) -> None:
    """Tell features about the new config; one failing never undoes the load (their
    scheduled sweeps repair what a hook missed)."""
    for hook in ctx.wiring.config_hooks:
        try:
            await hook(ctx, gh, installation_id, org, old, new)
        except Exception:
            log.exception("%s failed after the config of %s changed", hook.__qualname__, org)


async def _invalid(
    ctx: Context,
    gh: GitHubAPI,
    installation_id: int,
    org: str,
    file: ConfigFile,
    issues: list[ConfigIssue],
    pushed_sha: str | None,
) -> LoadResult:
    await stored.save_invalid(ctx.store, installation_id, org, ctx.clock.time())
    number = await report_errors(gh, org, issues, file.blob_url(pushed_sha))
    in_force = await current_config(ctx, gh, installation_id, org)
    log.warning("config of %s has %s; the last valid one stays", org, t.problems(len(issues)))
    return LoadResult(stored.INVALID, tuple(issues), in_force, number)


async def _missing(ctx: Context, gh: GitHubAPI, installation_id: int, org: str) -> LoadResult:
    await stored.save_missing(ctx.store, installation_id, org, ctx.clock.time())
    _remember(ctx, installation_id, None, None)
    await close_error_issue(gh, org, t.removed_comment())
    log.info("no config for %s: the org is not set up", org)
    return LoadResult(stored.MISSING, (), None)


def _remember(
    ctx: Context, installation_id: int, config: WardenConfig | None, sha: str | None
) -> None:
    remembered = stored.Remembered(config, sha, ctx.clock.time())
    stored.memory(ctx.store).configs[installation_id] = remembered


async def current_config(
    ctx: Context, gh: GitHubAPI, installation_id: int, org: str
) -> WardenConfig | None:
    """The config in force for an installation; None when the org is not set up.

    From memory, else from the database (the last valid file), else loaded from GitHub once.
    """
    mem = stored.memory(ctx.store)
    fresh = mem.fresh(installation_id, ctx.clock.time())
    if fresh is not None:
        return fresh.config
    row = await stored.fetch_stored(ctx.store, installation_id)
    if row is None:
        return (await reload_config(ctx, gh, installation_id, org)).in_force
    known = mem.configs.get(installation_id)
    config = known.config if known is not None and known.sha == row.sha else None
    if config is None:
        config = stored.parse_stored(row)
    _remember(ctx, installation_id, config, row.sha if config is not None else None)
    return config
