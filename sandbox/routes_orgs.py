"""REST routes for users, organisations, members and teams."""

from __future__ import annotations

from typing import Any

from sandbox import actions_org as act
from sandbox.errors import NotFound
from sandbox.routing import Ctx, Reply, route
from sandbox.state import Team


@route("GET /users/{username}")
def get_user(ctx: Ctx) -> Reply:
    """A user or bot (404 for unknown logins); orgs answer as ``Organization``."""
    login = ctx.params["username"]
    org = ctx.core.world.orgs.get(login.lower())
    if org is not None:
        return Reply(200, {**ctx.core.render.org_full(org), "type": "Organization"})
    return Reply(200, ctx.core.render.user_full(ctx.core.world.user(login)))


@route("GET /orgs/{org}")
def get_org(ctx: Ctx) -> Reply:
    """An organisation (public data: any installation may read it)."""
    return Reply(200, ctx.core.render.org_full(ctx.org(installed=False)))


@route("GET /orgs/{org}/members")
def list_members(ctx: Ctx) -> Reply:
    """Members of the org (``role`` filter: all, admin, member)."""
    org = ctx.org()
    role = ctx.query.get("role", "all")
    logins = [login for login, r in sorted(org.members.items()) if role in ("all", r)]
    return ctx.paginate([ctx.core.render.account(login) for login in logins])


@route("GET /orgs/{org}/members/{username}")
def check_member(ctx: Ctx) -> Reply:
    """204 for a member, 404 otherwise."""
    org = ctx.org()
    if ctx.params["username"].lower() not in org.members:
        raise NotFound("User does not exist or is not a member of the organization")
    return Reply(204)


@route("GET /orgs/{org}/repos")
def list_org_repos(ctx: Ctx) -> Reply:
    """The org's repositories (private ones only for its own installation)."""
    org = ctx.org(installed=False)
    kind = ctx.query.get("type", "all")
    visible = [
        r
        for r in sorted(ctx.core.world.repos.values(), key=lambda r: r.name.lower())
        if r.owner.lower() == org.login.lower()
        and not r.fork_of_advisory
        and (ctx.owns(org.login) or not r.private)
        and (kind in ("all", "sources", "member") or (kind == "private") == r.private)
    ]
    return ctx.paginate([ctx.core.render.repo(r) for r in visible])


def _team(ctx: Ctx) -> Team:
    ctx.org()
    return ctx.core.world.team(ctx.params["org"], ctx.params["team_slug"])


@route("GET /orgs/{org}/teams")
def list_teams(ctx: Ctx) -> Reply:
    """The org's teams."""
    org = ctx.org()
    return ctx.paginate([ctx.core.render.team(t) for t in org.teams.values()])


@route("GET /orgs/{org}/teams/{team_slug}")
def get_team(ctx: Ctx) -> Reply:
    """One team by slug."""
    return Reply(200, ctx.core.render.team_full(_team(ctx)))


@route("GET /orgs/{org}/teams/{team_slug}/members")
def list_team_members(ctx: Ctx) -> Reply:
    """Team members (``role``: member, maintainer or all; pending invitations excluded)."""
    team = _team(ctx)
    role = ctx.query.get("role", "all")
    logins = [login for login, r in sorted(team.members.items()) if role in ("all", r)]
    return ctx.paginate([ctx.core.render.account(login) for login in logins])


@route("GET /orgs/{org}/teams/{team_slug}/invitations")
def list_invitations(ctx: Ctx) -> Reply:
    """Pending invitations made through this team."""
    team = _team(ctx)
    return ctx.paginate(
        [act.invitation_json(ctx.core, team.org, i) for i in team.invitations.values()]
    )


@route("GET /orgs/{org}/teams/{team_slug}/memberships/{username}")
def get_membership(ctx: Ctx) -> Reply:
    """A user's membership: active, pending (invited), or 404."""
    team = _team(ctx)
    return Reply(200, act.membership_json(ctx.core, team, ctx.params["username"]))


@route("PUT /orgs/{org}/teams/{team_slug}/memberships/{username}")
def put_membership(ctx: Ctx) -> Reply:
    """Add or update a membership; a user outside the org is invited (state ``pending``)."""
    team = _team(ctx)
    body: dict[str, Any] = ctx.body or {}
    membership = act.set_team_membership(
        ctx.core, team.org, team.slug, ctx.params["username"], body.get("role", "member"), ctx.actor
    )
    return Reply(200, membership)


@route("DELETE /orgs/{org}/teams/{team_slug}/memberships/{username}")
def delete_membership(ctx: Ctx) -> Reply:
    """Remove a member (or cancel their invitation)."""
    team = _team(ctx)
    act.remove_team_membership(ctx.core, team.org, team.slug, ctx.params["username"], ctx.actor)
    return Reply(204)


@route("GET /orgs/{org}/security-advisories")
def list_org_advisories(ctx: Ctx) -> Reply:
    """Repository advisories across the org's repositories (``state`` filter)."""
    org = ctx.org()
    state = ctx.query.get("state")
    found = [
        (repo, adv)
        for repo in ctx.core.world.repos.values()
        if repo.owner.lower() == org.login.lower()
        for adv in repo.advisories.values()
        if state in (None, adv.state)
    ]
    found.sort(
        key=lambda pair: (pair[1].created_at, pair[1].ghsa_id),
        reverse=ctx.query.get("direction") != "asc",
    )
    return ctx.paginate_cursor(
        [ctx.core.render.advisory(r, a) for r, a in found], [a.ghsa_id for _, a in found]
    )
