"""What the roster does on each event: membership changes, team changes, config changes."""

from __future__ import annotations

import logging
import re

from app.features.roster import records
from app.features.roster import templates as t
from app.features.roster.alerts import close_alert, find_alert, raise_alert
from app.features.roster.apply import close_stale_pull
from app.features.roster.guard import check_addition, forget
from app.features.roster.reconcile import Outcome, lock, reconcile_locked
from app.github.client import GitHubAPI
from app.org import Installation, Org
from config import WardenConfig

log = logging.getLogger(__name__)


def followed_teams(config: WardenConfig) -> set[str]:
    """Teams whose membership shows on the lists: the team, the admins team, notes teams."""
    teams = {config.team, *config.notes}
    if not config.admins_are_maintainers:
        teams.add(config.admins)
    return {slug.lower() for slug in teams}


async def on_membership(
    org: Org, change: str, team: str, login: str, sender: str | None
) -> Outcome | None:
    """A member was added to or removed from a team: guard the team, then reconcile."""
    if team.lower() not in followed_teams(org.config):
        return None
    async with lock(org.ctx, org.id):  # the scheduled reconcile may be guarding too
        current = await records.fetch_state(org.ctx.store, org.id)
        following = current is not None and current.team == org.config.team
        if following and team.lower() == org.config.team.lower():
            if change == "added":
                await check_addition(org, login, sender)
            else:
                await forget(org, login)
        # Not following yet: this reconcile takes the baseline, the newcomer included.
        return await reconcile_locked(org)


async def on_team_deleted(org: Org, team: str, sender: str) -> None:
    """The member team is gone: tell the admins and leave the lists alone (they are not
    emptied, which the 25% guard would stop anyway)."""
    if team.lower() != org.config.team.lower():
        return
    title, body = t.team_deleted_alert(org.login, org.config.team, sender)
    await _team_alert(org, title, body)


async def _team_alert(org: Org, title: str, body: str) -> None:
    """The one alert about the member team being gone, under the roster lock (a reconcile
    on another replica may be finding the team missing at the same time)."""
    marker = t.alert_marker("team-deleted", org.config.team)
    async with lock(org.ctx, org.id):
        await raise_alert(org.gh, org.login, org.config.governance_repo, title, body, marker)


async def _retire_pull(gh: GitHubAPI, org: str, old: WardenConfig, new: WardenConfig) -> None:
    """Close the roster pull request the old config kept, if the new one no longer keeps
    the lists there by pull request (it would otherwise stay open, stale, for ever)."""
    before, after = old.roster, new.roster
    if before.repo is None or before.via != "pull_request":
        return
    if (after.repo, after.via) == (before.repo, "pull_request"):
        return
    await close_stale_pull(gh, org, before.repo, t.PULL_RETIRED_COMMENT)


async def on_team_renamed(org: Org, renamed: tuple[str, str], sender: str) -> bool:
    """A team was renamed (old name, new slug); if it is the member team (its slug changes
    with its name, and the old slug stops answering), tell the admins which slug to
    configure. True if so."""
    old_name, slug = renamed
    if re.sub(r"[^a-z0-9_]+", "-", old_name.lower()).strip("-") != org.config.team.lower():
        return False
    title, body = t.team_renamed_alert(org.login, org.config.team, slug, sender)
    await _team_alert(org, title, body)
    return True


async def _close_team_alert(gh: GitHubAPI, org: str, old: WardenConfig, new: WardenConfig) -> None:
    """`team` now names a team that exists: the alert about the old one (renamed, deleted or
    missing) is closed, saying so."""
    marker = t.alert_marker("team-deleted", old.team)
    current = await find_alert(gh, org, old.governance_repo, marker)
    if current is not None:
        comment = t.team_fixed_comment(org, new.team)
        await close_alert(gh, org, old.governance_repo, int(current["number"]), comment)


def _roster_part(config: WardenConfig) -> tuple[object, ...]:
    return (config.team, config.admins, dict(config.notes), config.roster)


async def on_config_change(org: Installation, old: WardenConfig | None, new: WardenConfig) -> None:
    """A new valid config: the first one takes the baseline; a changed roster part reconciles."""
    if old is not None and _roster_part(old) == _roster_part(new):
        return
    retired = set(old.notes.values()) - set(new.notes.values()) if old is not None else set()
    client = org.gh
    moved_from = old.roster if old is not None else None
    async with lock(org.ctx, org.id):  # another replica may be writing the lists
        if old is not None:
            await _retire_pull(client, org.login, old, new)
        outcome = await reconcile_locked(org.configured(new), retired, moved_from)
        if old is not None and old.team != new.team and outcome.status != "no-team":
            await _close_team_alert(client, org.login, old, new)
    log.info("roster of %s after a config change: %s", org.login, outcome.status)
