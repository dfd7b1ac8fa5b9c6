"""Guarding the team (additions without a passed vote, fewer than two admins) and the list
(rows for people never in the team)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, cast

from app.context import Context
from app.features.roster import records
from app.features.roster import templates as t
from app.features.roster.alerts import close_alert, find_alert, raise_alert
from app.features.roster.listfile import Row
from app.features.roster.reads import TeamSnapshot
from app.github.client import GitHubAPI
from app.github.teams import is_admin, remove_from_team, was_expected
from app.org import Org
from config import WardenConfig

log = logging.getLogger(__name__)

MIN_ADMINS = 2


@dataclass(frozen=True)
class Addition:
    """What is known when someone joins the team, read before anything is decided."""

    expected: bool  # Warden caused it: a passed vote added them
    source: records.Source | None  # how Warden knew the member already, if it did
    sender: str | None  # who added them, when the event says
    enforce: bool  # roster.enforce
    admin: bool = False  # whether they are an admin (read only when enforce could remove them)


Verdict = Literal["admitted", "known", "name-sender", "alert", "alert-kept-admin", "remove"]


def judge_addition(facts: Addition) -> Verdict:
    """What to do about a new member: accept them, or alert the admins (and maybe remove)."""
    if facts.expected:
        return "admitted"
    if facts.source == "alerted" and facts.sender:
        return "name-sender"  # the reconcile alerted without knowing who added them
    if facts.source is not None:
        return "known"
    if not facts.enforce:
        return "alert"
    # `roster.enforce` never removes an admin: that could leave the team without one.
    return "alert-kept-admin" if facts.admin else "remove"


async def read_addition(org: Org, login: str, sender: str | None) -> Addition:
    """The facts ``judge_addition`` needs, read only as far as they matter."""
    team, enforce = org.config.team, org.config.roster.enforce
    if await was_expected(org.ctx, org.id, team, login, "added") is not None:
        return Addition(True, None, sender, enforce)
    known = await records.known_members(org.ctx.store, org.id, team)
    source = cast(records.Source | None, known.get(login.lower()))
    facts = Addition(False, source, sender, enforce)
    if facts.source is None and enforce:
        admin = await is_admin(org.gh, org.login, org.config, login)
        return Addition(False, None, sender, enforce, admin)
    return facts


async def check_addition(org: Org, login: str, sender: str | None) -> bool:
    """Accept a new member Warden knows of (baseline, passed vote), else alert the admins
    (and with `roster.enforce` remove them again). True when the member was accepted."""
    team, now = org.config.team, org.ctx.clock.time()
    verdict = judge_addition(await read_addition(org, login, sender))
    if verdict == "admitted":
        await records.remember_member(org.ctx.store, org.id, team, login, "vote", now)
        return True
    if verdict == "known":
        return True
    if verdict == "name-sender":
        governance = org.config.governance_repo
        if await find_alert(org.gh, org.login, governance, _marker(login)) is not None:
            await _alert(org.gh, org.login, org.config, login, sender, removed=False)
        return False
    removed = verdict == "remove"
    if removed:
        await remove_from_team(org, team, login, "roster.enforce")
    kept = "admin" if verdict == "alert-kept-admin" else None
    await _alert(org.gh, org.login, org.config, login, sender, removed=removed, kept=kept)
    if not removed:  # only once the alert exists: a failed alert is raised by the next run
        await records.remember_member(org.ctx.store, org.id, team, login, "alerted", now)
    log.warning("%s was added to %s/%s without a vote (by %s)", login, org.login, team, sender)
    return False


def _marker(login: str) -> str:
    return t.alert_marker("unauthorised", login)


async def _alert(
    gh: GitHubAPI,
    org: str,
    config: WardenConfig,
    login: str,
    sender: str | None,
    removed: bool,
    kept: str | None = None,
) -> None:
    title, body = t.unauthorised_alert(org, config.team, login, sender, removed, kept)
    await raise_alert(gh, org, config.governance_repo, title, body, _marker(login))


async def follow_renames(
    ctx: Context,
    installation_id: int,
    config: WardenConfig,
    team: TeamSnapshot,
    record: bool = True,
) -> dict[str, str]:
    """Known members who changed their login on GitHub (same user id) stay known under the
    new one: no alert, and their rows are renamed, not moved to the emeritus list. Returns
    old login (lower case) -> new login; records ids of known members seen the first time
    (nothing is recorded with ``record=False``, for the dry run)."""
    store, slug = ctx.store, config.team
    known = await records.known_members(store, installation_id, slug)
    ids = await records.known_ids(store, installation_id, slug)
    renamed = {}
    for member in team.members:
        key = member.login.lower()
        if member.id is None:
            continue
        old = ids.get(member.id)
        if old is not None and old != key and key not in known:
            renamed[old] = member.login
            if record:
                await records.rename_member(store, installation_id, slug, old, key)
                log.info("%s renamed their login to %s", old, member.login)
        elif record and key in known and old != key:
            await records.set_user_id(store, installation_id, slug, key, member.id)
    return renamed


async def check_unknown_members(org: Org, team: TeamSnapshot) -> bool:
    """Members the reconcile finds that no event told Warden about (a missed webhook).
    Returns True when one of them was removed (the team must be read again)."""
    known = await records.known_members(org.ctx.store, org.id, org.config.team)
    removed = False
    for member in team.members:
        if member.login.lower() in known:
            continue
        accepted = await check_addition(org, member.login, None)
        removed = removed or (not accepted and org.config.roster.enforce)
    present = team.logins | {login.lower() for login in team.pending}
    for login in set(known) - present:
        await forget(org, login)
    return removed


async def forget(org: Org, login: str) -> None:
    """``login`` left the team: adding them again needs a vote again, and an open alert
    about their unauthorised addition is closed (the admins fixed it)."""
    known = await records.known_members(org.ctx.store, org.id, org.config.team)
    await records.forget_member(org.ctx.store, org.id, org.config.team, login)
    if known.get(login.lower()) != "alerted":
        return
    current = await find_alert(org.gh, org.login, org.config.governance_repo, _marker(login))
    if current is not None:
        comment = t.unauthorised_fixed_comment(login)
        await close_alert(
            org.gh, org.login, org.config.governance_repo, int(current["number"]), comment
        )


async def check_admins(gh: GitHubAPI, org: str, config: WardenConfig, team: TeamSnapshot) -> None:
    """Alert while the team has fewer than two admins; close the alert once it has them."""
    marker = t.alert_marker("admins")
    repo = config.governance_repo
    if len(team.admins) < MIN_ADMINS:
        title, body = t.admins_alert(org, config.team, team.admins)
        await raise_alert(gh, org, repo, title, body, marker)
        return
    current = await find_alert(gh, org, repo, marker)
    if current is not None:
        await close_alert(
            gh, org, repo, int(current["number"]), t.admins_fixed_comment(team.admins)
        )


async def alert_never_members(
    gh: GitHubAPI, org: str, config: WardenConfig, rows: Iterable[Row]
) -> None:
    """Quote the rows of people never in the team that Warden took off the public list, in
    one alert: an open one is extended (the rows it quotes already are kept)."""
    marker = t.alert_marker("never-members")
    current = await find_alert(gh, org, config.governance_repo, marker)
    quoted = {}
    for line in str((current or {}).get("body") or "").splitlines():
        if match := re.fullmatch(r"- @(\S+): .*", line):
            quoted[match.group(1).lower()] = line
    for row in rows:
        quoted.setdefault(row.login.lower(), t.never_member_line(row))
    title, body = t.never_members_alert(org, config, quoted.values())
    await raise_alert(gh, org, config.governance_repo, title, body, marker)
