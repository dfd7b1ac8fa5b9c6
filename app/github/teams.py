"""Team membership as GitHub says it is (never as a payload, label or comment claims)."""

from __future__ import annotations

from typing import Literal

from gidgethub import BadRequest

from app.context import Context
from app.github.client import GitHubAPI

Change = Literal["added", "removed"]


async def membership_state(gh: GitHubAPI, org: str, team: str, login: str) -> str | None:
    """``active``, ``pending`` (invited) or None (not a member, or no such team)."""
    try:
        data = await gh.getitem(
            "/orgs/{org}/teams/{team_slug}/memberships/{username}",
            {"org": org, "team_slug": team, "username": login},
        )
    except BadRequest as exc:
        if exc.status_code == 404:
            return None
        raise
    state = data.get("state")
    return str(state) if state else None


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
