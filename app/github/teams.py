"""Team membership as GitHub says it is (never as a payload, label or comment claims)."""

from __future__ import annotations

from typing import Any, Literal

from gidgethub import BadRequest

from app.context import Context
from app.github.client import GitHubAPI
from app.org import Installation
from config import WardenConfig

Change = Literal["added", "removed"]


MEMBERSHIP_URL = "/orgs/{org}/teams/{team_slug}/memberships/{username}"


async def _membership(gh: GitHubAPI, org: str, team: str, login: str) -> dict[str, Any] | None:
    """The membership as GitHub answers it, None when there is none (or no such team)."""
    try:
        data: dict[str, Any] = await gh.getitem(
            MEMBERSHIP_URL, {"org": org, "team_slug": team, "username": login}
        )
    except BadRequest as exc:
        if exc.status_code == 404:
            return None
        raise
    return data


async def membership_state(gh: GitHubAPI, org: str, team: str, login: str) -> str | None:
    """``active``, ``pending`` (invited) or None (not a member, or no such team)."""
    data = await _membership(gh, org, team, login)
    state = data.get("state") if data is not None else None
    return str(state) if state else None


async def is_admin(gh: GitHubAPI, org: str, config: WardenConfig, login: str) -> bool:
    """Whether ``login`` is an admin, asked of GitHub: an active maintainer of the team
    (`admins: maintainers`), or a member of the `admins` team."""
    if not config.admins_are_maintainers:
        return await is_member(gh, org, config.admins, login)
    data = await _membership(gh, org, config.team, login)
    return bool(data and data.get("state") == "active" and data.get("role") == "maintainer")


async def remove_from_team(inst: Installation, team: str, login: str, reason: str) -> bool:
    """Take ``login`` off ``team``, the change expected (so no alert); False when they were
    not on it, or left meanwhile (GitHub's 404)."""
    org = inst.login
    if await membership_state(inst.gh, org, team, login) is None:
        return False
    await expect_membership(inst.ctx, inst.id, org, team, login, "removed", reason)
    try:
        await inst.gh.delete(MEMBERSHIP_URL, {"org": org, "team_slug": team, "username": login})
    except BadRequest as exc:
        if exc.status_code == 404:  # removed meanwhile
            return False
        raise
    return True


async def is_member(gh: GitHubAPI, org: str, team: str, login: str) -> bool:
    """True when ``login`` is an active member (or maintainer) of ``org/team``."""
    return await membership_state(gh, org, team, login) == "active"


async def team_logins(gh: GitHubAPI, org: str, team: str, role: str = "all") -> list[str]:
    """Logins of the team's active members (``role``: all, member or maintainer)."""
    return [
        m["login"]
        async for m in gh.getiter(
            "/orgs/{org}/teams/{team_slug}/members{?role,per_page}",
            {"org": org, "team_slug": team, "role": role, "per_page": 100},
        )
    ]


async def expect_membership(
    ctx: Context,
    installation_id: int,
    org: str,
    team: str,
    login: str,
    change: Change,
    reason: str,
) -> None:
    """Record that Warden itself is about to add or remove ``login`` (the roster guard
    then accepts the ``membership`` event that follows)."""
    await ctx.store.execute(
        "INSERT INTO expected_memberships (installation_id, org, team, login, change, reason, "
        "delivery_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
        "(installation_id, team, login, change) DO UPDATE SET reason = excluded.reason, "
        "delivery_id = excluded.delivery_id, at = excluded.at",
        installation_id,
        org,
        team,
        login.lower(),
        change,
        reason,
        ctx.delivery_id,
        ctx.clock.time(),
    )


async def was_expected(
    ctx: Context, installation_id: int, team: str, login: str, change: Change
) -> str | None:
    """The reason Warden recorded for this membership change, or None if it did not cause it."""
    row = await ctx.store.fetchrow(
        "SELECT reason FROM expected_memberships WHERE installation_id = ? AND team = ? "
        "AND login = ? AND change = ?",
        installation_id,
        team,
        login.lower(),
        change,
    )
    return None if row is None else str(row["reason"])
