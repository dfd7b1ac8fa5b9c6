"""One reconcile: read the team and the lists, guard, and write only what changed."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Literal

from gidgethub import BadRequest

from app.context import Context
from app.features.roster import records
from app.features.roster import templates as t
from app.features.roster.alerts import close_alert, find_alert, raise_alert
from app.features.roster.apply import (
    Declined,
    StaleList,
    Writes,
    close_stale_pull,
    commit_writes,
    last_declined_pull,
    pull_request_writes,
)
from app.features.roster.guard import (
    alert_never_members,
    check_admins,
    check_unknown_members,
    follow_renames,
)
from app.features.roster.listfile import left_dates, parse_list
from app.features.roster.reads import (
    ListFiles,
    TeamSnapshot,
    display_names,
    read_file,
    read_lists,
    read_team,
    seed_moved,
)
from app.features.roster.rules import MAX_REMOVAL_FRACTION, RosterDiff, RosterUpdate, reconcile
from app.github.client import GitHubAPI
from app.org import Org
from config import RosterConfig, WardenConfig

log = logging.getLogger(__name__)

#: Attempts at writing when a list changed under Warden's feet (409 on a stale sha).
MAX_ATTEMPTS = 3

Status = Literal["unchanged", "written", "declined", "paused", "no-list", "no-team"]


def lock(ctx: Context, installation_id: int) -> AbstractAsyncContextManager[None]:
    """One reconcile (and one guard of the team) at a time per installation, across
    replicas: a webhook on one and the scheduled reconcile on another take turns."""
    return ctx.store.lock("roster", str(installation_id))


@dataclass(frozen=True)
class Outcome:
    """What a reconcile did, and the difference it found between the team and the lists."""

    status: Status
    diff: RosterDiff = field(default_factory=RosterDiff)
    pending: tuple[str, ...] = ()
    pull: int | None = None


async def plan(
    gh: GitHubAPI,
    config: WardenConfig,
    team: TeamSnapshot,
    lists: ListFiles,
    ctx: Context,
    left_on: Mapping[str, date] | None = None,
) -> RosterUpdate:
    """The new list texts (display names are asked of GitHub only for new members)."""
    fmt, note = config.roster.format, config.roster.emeritus_note

    def run(names: dict[str, str]) -> RosterUpdate:
        return reconcile(
            team.members,
            admins=team.admins,
            notes=team.notes,
            pending=team.pending,
            public_text=lists.public.text,
            emeritus_text=lists.emeritus.text,
            today=ctx.clock.now().date(),
            fmt=fmt,
            names=names,
            left_on={**left_dates(lists.emeritus.text, fmt, note), **(left_on or {})},
            renamed=team.renamed,
            listed=team.listed,
            emeritus_note=note,
        )

    first = run({})
    former = {row.login.lower() for row in parse_list(lists.emeritus.text, fmt)}
    unnamed = tuple(login for login in first.diff.added if login.lower() not in former)
    return run(await display_names(gh, unnamed)) if unnamed else first


async def plan_pull_request(
    gh: GitHubAPI,
    org: str,
    config: WardenConfig,
    team: TeamSnapshot,
    lists: ListFiles,
    ctx: Context,
) -> RosterUpdate:
    """As `plan`, keeping the leave dates Warden's branch (or its declined pull request)
    already gives: a pull request open for days must not move them to today on every
    reconcile, nor a declined one come back with new dates."""
    update = await plan(gh, config, team, lists, ctx)
    if not update.diff.removed:
        return update
    branch = await read_file(gh, org, lists.repo, lists.emeritus.path, t.BRANCH)
    if branch.sha is None:  # no branch: a declined proposal's dates, if there is one
        declined = await last_declined_pull(gh, org, lists.repo)
        if declined is not None:
            ref = str(declined["head"]["sha"])
            branch = await read_file(gh, org, lists.repo, lists.emeritus.path, ref)
    dates = left_dates(branch.text, config.roster.format, config.roster.emeritus_note)
    return await plan(gh, config, team, lists, ctx, dates) if dates else update


def writes_for(lists: ListFiles, update: RosterUpdate) -> Writes:
    """The files to write, the one that gains rows first: each file is its own commit, and a
    crash (or a merge of the pull request) between the two must not lose anyone. With
    removals, the emeritus list gains the leavers before the public list drops them (the
    next run finds them on both and finishes the move); otherwise the public list gains
    newcomers and rejoiners before the emeritus list lets go of their rows."""
    both = [(lists.public, update.public), (lists.emeritus, update.emeritus)]
    if update.diff.removed:
        both.reverse()
    # A file absent (no sha) but seeded from its old place is created even if unchanged.
    changed = tuple((f, text) for f, text in both if text != f.text or (f.sha is None and text))
    return Writes(changed, update.diff, update.pending)


async def ensure_baseline(
    ctx: Context, installation_id: int, org: str, config: WardenConfig, team: TeamSnapshot
) -> bool:
    """Take the team's members as the baseline when Warden starts following it; True if so."""
    current = await records.fetch_state(ctx.store, installation_id)
    if current is not None and current.team == config.team:
        return False
    logins = team.logins | {login.lower() for login in team.pending}
    await records.save_baseline(
        ctx.store, installation_id, org, config.team, logins, ctx.clock.time()
    )
    log.info("roster baseline of %s/%s: %d members", org, config.team, len(logins))
    return True


async def reconcile_org(
    org: Org, retired_notes: Iterable[str] = (), moved_from: RosterConfig | None = None
) -> Outcome:
    """Bring the public and emeritus lists in line with the team, guarding it on the way.

    ``retired_notes`` are notes an older config managed: they are dropped from the list.
    ``moved_from`` is the roster config before a change: lists it kept elsewhere seed the
    new ones (names, notes and the emeritus rows are kept).
    """
    async with lock(org.ctx, org.id):
        return await reconcile_locked(org, retired_notes, moved_from)


async def reconcile_locked(
    org: Org, retired_notes: Iterable[str] = (), moved_from: RosterConfig | None = None
) -> Outcome:
    """`reconcile_org` for a caller already holding the installation's roster lock."""
    try:
        team = await read_team(org.gh, org.login, org.config, retired_notes)
    except BadRequest as exc:
        if exc.status_code != 404:
            raise
        log.warning("%s/%s is missing: the lists are left alone", org.login, org.config.team)
        marker = t.alert_marker("team-deleted", org.config.team)
        if await find_alert(org.gh, org.login, org.config.governance_repo, marker) is None:
            title, body = t.team_missing_alert(org.login, org.config.team)
            await raise_alert(org.gh, org.login, org.config.governance_repo, title, body, marker)
        return Outcome("no-team")
    baseline = await ensure_baseline(org.ctx, org.id, org.login, org.config, team)
    renamed = await follow_renames(org.ctx, org.id, org.config, team)
    if not baseline and await check_unknown_members(org, team):
        team = await read_team(org.gh, org.login, org.config, retired_notes)
    current = await records.fetch_state(org.ctx.store, org.id)
    team = replace(team, renamed=renamed, listed=current.listed if current else None)
    await check_admins(org.gh, org.login, org.config, team)
    if org.config.roster.repo is None:
        await records.mark_reconciled(org.ctx.store, org.id, org.ctx.clock.time())
        return Outcome("no-list", pending=team.pending)
    return await _sync_lists(org, team, moved_from)


async def _sync_lists(
    org: Org, team: TeamSnapshot, moved_from: RosterConfig | None = None
) -> Outcome:
    for attempt in range(1, MAX_ATTEMPTS + 1):
        lists = await read_lists(org.gh, org.login, org.config)
        if moved_from is not None:
            lists = await seed_moved(org.gh, org.login, lists, org.config.roster, moved_from)
        if org.config.roster.via == "pull_request":
            update = await plan_pull_request(org.gh, org.login, org.config, team, lists, org.ctx)
        else:
            update = await plan(org.gh, org.config, team, lists, org.ctx)
        if not update.diff.changed and not writes_for(lists, update).files:
            if org.config.roster.via == "pull_request":
                await close_stale_pull(org.gh, org.login, lists.repo)
            await _reconciled(org.ctx, org.id, org.config, team, lists, update)
            return Outcome("unchanged", update.diff, update.pending)
        if await _paused(org, lists, update):
            return Outcome("paused", update.diff, update.pending)
        if update.dropped:  # before the write: the rows are quoted nowhere else
            await alert_never_members(org.gh, org.login, org.config, update.dropped)
        try:
            pull = await _write(org.gh, org.login, org.config, lists, writes_for(lists, update))
        except StaleList as exc:
            log.info(
                "%s changed while Warden wrote it (attempt %d); reading it again", exc, attempt
            )
            continue
        except Declined as exc:
            log.info("roster of %s: %s; not proposed again", org.login, exc)
            await _reconciled(org.ctx, org.id, org.config, team, lists, update)
            return Outcome("declined", update.diff, update.pending, exc.number)
        await _finish(org)
        await _record_listed(org.ctx, org.id, org.config, team, lists, update)
        return Outcome("written", update.diff, update.pending, pull)
    raise StaleList(f"the lists of {org.login} kept changing; the next reconcile tries again")


async def _reconciled(
    ctx: Context,
    installation_id: int,
    config: WardenConfig,
    team: TeamSnapshot,
    lists: ListFiles,
    update: RosterUpdate,
) -> None:
    await records.mark_reconciled(ctx.store, installation_id, ctx.clock.time())
    await _record_listed(ctx, installation_id, config, team, lists, update)


async def _record_listed(
    ctx: Context,
    installation_id: int,
    config: WardenConfig,
    team: TeamSnapshot,
    lists: ListFiles,
    update: RosterUpdate,
) -> None:
    """Record who the public list holds as members: those on the new list, and leavers
    still on the default branch's list (an open pull request moves them; they stay
    leavers until it is merged). The next reconcile tells them from rows Warden never
    wrote for a member."""
    fmt = config.roster.format
    on_default = {row.login.lower() for row in parse_list(lists.public.text, fmt)}
    were = (team.listed or frozenset()) | {login.lower() for login in update.diff.removed}
    now = {row.login.lower() for row in parse_list(update.public, fmt)} & team.logins
    await records.save_listed(ctx.store, installation_id, (were & on_default) | now)


async def _write(
    gh: GitHubAPI, org: str, config: WardenConfig, lists: ListFiles, writes: Writes
) -> int | None:
    if config.roster.via == "commit":
        await commit_writes(gh, org, lists, writes, config.team)
        return None
    return await pull_request_writes(gh, org, config, lists, writes)


async def _paused(org: Org, lists: ListFiles, update: RosterUpdate) -> bool:
    """Whether this reconcile removes too much of the list and waits for `/roster confirm`."""
    fmt = org.config.roster.format
    listed = [row.login for row in parse_list(lists.public.text, fmt) if row.login]
    removed = {login.lower() for login in update.diff.removed}
    if not listed or len(removed) / len({x.lower() for x in listed}) <= MAX_REMOVAL_FRACTION:
        return False
    current = await records.fetch_state(org.ctx.store, org.id)
    confirmed = current.confirmed_removals if current is not None else None
    if confirmed is not None and removed <= confirmed:
        return False
    title, body = t.removals_alert(
        org.login, org.config.team, update.diff.removed, len(listed), MAX_REMOVAL_FRACTION
    )
    marker = t.alert_marker("removals")
    number = await raise_alert(org.gh, org.login, org.config.governance_repo, title, body, marker)
    await records.pause_removals(org.ctx.store, org.id, removed, number)
    log.warning(
        "roster of %s paused: %d of %d would be removed", org.login, len(removed), len(listed)
    )
    return True


async def _finish(org: Org) -> None:
    """Record the reconcile; a confirmed pause is closed on its alert issue."""
    current = await records.fetch_state(org.ctx.store, org.id)
    await records.mark_reconciled(org.ctx.store, org.id, org.ctx.clock.time())
    if current is not None and current.confirmed_by and current.pending_issue is not None:
        comment = t.removals_done_comment(current.confirmed_by)
        await close_alert(
            org.gh, org.login, org.config.governance_repo, current.pending_issue, comment
        )
