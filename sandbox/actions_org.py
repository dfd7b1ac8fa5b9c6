"""Changes to accounts, orgs, teams and installations, with the webhooks GitHub sends."""

from __future__ import annotations

import re
from typing import Any

from sandbox.core import Core
from sandbox.errors import NotFound, Unprocessable
from sandbox.render import iso
from sandbox.state import Installation, Invitation, Org, Repo, Team, TeamRole, User, UserType


def add_user(core: Core, login: str, name: str | None = None, type: UserType = "User") -> User:
    """Create a user (or bot) account."""
    if login.lower() in core.world.users or login.lower() in core.world.orgs:
        raise ValueError(f"login {login!r} is taken")
    user = User(core.world.new_id(), login, type, name, core.now())
    core.world.users[login.lower()] = user
    return user


def add_org(core: Core, login: str) -> Org:
    """Create an organisation."""
    if login.lower() in core.world.users or login.lower() in core.world.orgs:
        raise ValueError(f"login {login!r} is taken")
    org = Org(core.world.new_id(), login, created_at=core.now())
    core.world.orgs[login.lower()] = org
    return org


def add_team(core: Core, org: str, slug: str, name: str | None = None) -> Team:
    """Create a team (members are added separately)."""
    owner = core.world.org(org)
    team = Team(core.world.new_id(), owner.login, slug, name or slug)
    owner.teams[slug.lower()] = team
    return team


def install(core: Core, account: str, notify: bool = False) -> Installation:
    """Install the app on an org or user account; ``notify`` sends ``installation.created``."""
    kind: Any = "Organization" if account.lower() in core.world.orgs else "User"
    login = (
        core.world.org(account).login
        if kind == "Organization"
        else (core.world.user(account).login)
    )
    inst = Installation(core.world.new_id(), login, kind, core.now())
    core.world.installations[inst.id] = inst
    if notify:
        repos = [r for r in core.world.repos.values() if r.owner.lower() == login.lower()]
        listed = [_listed(r) for r in repos]
        full = core.render.installation(inst, core.app.id, core.app.slug)
        core.emit(
            "installation",
            "created",
            sender=login if kind == "User" else _admin(core, login),
            account=login,
            installation=full,
            repositories=listed,
            requester=None,
        )
    return inst


def _listed(repo: Repo) -> dict[str, Any]:
    """A repository as installation payloads list it."""
    return {
        "id": repo.id,
        "node_id": f"R_{repo.id}",
        "name": repo.name,
        "full_name": repo.full_name,
        "private": repo.private,
    }


def add_installation_repos(core: Core, account: str, names: list[str]) -> None:
    """Repositories newly covered by the installation: ``installation_repositories.added``."""
    inst = core.world.installation_for(account)
    if inst is None:
        raise ValueError(f"the app is not installed on {account}")
    repos = [core.world.repo(inst.account, name) for name in names]
    core.emit(
        "installation_repositories",
        "added",
        sender=_admin(core, inst.account),
        account=inst.account,
        installation=core.render.installation(inst, core.app.id, core.app.slug),
        repositories_added=[_listed(r) for r in repos],
        repositories_removed=[],
        repository_selection="all",
        requester=None,
    )


def _admin(core: Core, org: str) -> str:
    members = core.world.org(org).members
    admins = [login for login, role in members.items() if role == "admin"]
    return core.world.user((admins or list(members) or [core.app.bot_login])[0]).login


def add_org_member(core: Core, org: str, login: str, sender: str, role: str = "member") -> None:
    """Add ``login`` to the org (as accepting an invitation does): pending team invitations
    become memberships. Sends ``organization.member_added`` and ``membership.added``."""
    owner, user = core.world.org(org), core.world.user(login)
    if user.login.lower() in owner.members:
        return
    owner.members[user.login.lower()] = role
    membership = {
        "url": f"{core.render.urls.api}/orgs/{owner.login}/memberships/{user.login}",
        "state": "active",
        "role": role,
        "organization_url": f"{core.render.urls.api}/orgs/{owner.login}",
        "user": core.render.account(user.login),
    }
    core.emit(
        "organization", "member_added", sender=sender, account=owner.login, membership=membership
    )
    for team in owner.teams.values():
        invitation = team.invitations.pop(user.login.lower(), None)
        if invitation:
            team.members[user.login.lower()] = invitation.role
            _membership_event(core, team, user.login, "added", invitation.inviter)


def remove_org_member(core: Core, org: str, login: str, sender: str) -> None:
    """Remove ``login`` from the org and all its teams."""
    owner, user = core.world.org(org), core.world.user(login)
    if owner.members.pop(user.login.lower(), None) is None:
        raise NotFound()
    for team in owner.teams.values():
        if team.members.pop(user.login.lower(), None):
            _membership_event(core, team, user.login, "removed", sender)
    membership = {
        "url": f"{core.render.urls.api}/orgs/{owner.login}/memberships/{user.login}",
        "state": "active",
        "role": "member",
        "organization_url": f"{core.render.urls.api}/orgs/{owner.login}",
        "user": core.render.account(user.login),
    }
    core.emit(
        "organization", "member_removed", sender=sender, account=owner.login, membership=membership
    )


def set_team_membership(
    core: Core, org: str, slug: str, login: str, role: TeamRole, sender: str
) -> dict[str, Any]:
    """``PUT .../memberships/{username}``: add or re-role a member; a non-member of the
    org gets a pending invitation instead (``organization.member_invited`` is sent)."""
    owner, team, user = core.world.org(org), core.world.team(org, slug), core.world.user(login)
    if user.type == "Bot":
        raise Unprocessable("Validation Failed", [{"code": "invalid", "field": "username"}])
    key = user.login.lower()
    if key not in owner.members:
        invitation = team.invitations.get(key) or Invitation(
            core.world.new_id(), user.login, role, core.now(), sender
        )
        invitation.role = role
        team.invitations[key] = invitation
        core.emit(
            "organization",
            "member_invited",
            sender=sender,
            account=owner.login,
            invitation=_invitation_json(core, owner, invitation),
            user=core.render.account(user.login),
        )
        return membership_json(core, team, user.login)
    known = key in team.members
    team.members[key] = role
    if not known:
        _membership_event(core, team, user.login, "added", sender)
    return membership_json(core, team, user.login)


def remove_team_membership(core: Core, org: str, slug: str, login: str, sender: str) -> None:
    """``DELETE .../memberships/{username}``: remove a member or cancel an invitation."""
    team, user = core.world.team(org, slug), core.world.user(login)
    key = user.login.lower()
    if team.members.pop(key, None) is not None:
        _membership_event(core, team, user.login, "removed", sender)
    elif team.invitations.pop(key, None) is None:
        raise NotFound()


def edit_team(
    core: Core,
    org: str,
    slug: str,
    sender: str,
    name: str | None = None,
    description: str | None = None,
) -> None:
    """Rename or re-describe a team (``team.edited``). As on GitHub, a new name gives the
    team a new slug, and the old slug answers 404."""
    team = core.world.team(org, slug)
    changes: dict[str, Any] = {}
    if name is not None and name != team.name:
        changes["name"] = {"from": team.name}
        team.name = name
        teams = core.world.org(org).teams
        del teams[team.slug.lower()]
        team.slug = re.sub(r"[^a-z0-9_]+", "-", name.lower()).strip("-")
        teams[team.slug] = team
    if description is not None and description != team.description:
        changes["description"] = {"from": team.description or ""}
        team.description = description
    core.emit(
        "team",
        "edited",
        sender=sender,
        account=team.org,
        changes=changes,
        team=core.render.team(team),
    )


def delete_team(core: Core, org: str, slug: str, sender: str) -> None:
    """Delete a team (``team.deleted``); its members stay in the org."""
    owner, team = core.world.org(org), core.world.team(org, slug)
    del owner.teams[team.slug.lower()]
    core.emit("team", "deleted", sender=sender, account=team.org, team=core.render.team(team))


def membership_json(core: Core, team: Team, login: str) -> dict[str, Any]:
    """A ``team-membership``: active member, or pending invitation, else 404."""
    key = login.lower()
    url = (
        f"{core.render.urls.api}/organizations/{core.world.org(team.org).id}/team/{team.id}"
        f"/memberships/{login}"
    )
    if key in team.members:
        return {"url": url, "role": team.members[key], "state": "active"}
    if key in team.invitations:
        return {"url": url, "role": team.invitations[key].role, "state": "pending"}
    raise NotFound()


def _membership_event(core: Core, team: Team, login: str, action: str, sender: str) -> None:
    core.emit(
        "membership",
        action,
        sender=sender,
        account=team.org,
        scope="team",
        member=core.render.account(login),
        team=core.render.team(team),
    )


def _invitation_json(core: Core, org: Org, invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.id,
        "node_id": f"OI_{invitation.id}",
        "login": invitation.login,
        "email": None,
        "role": "direct_member",
        "created_at": iso(invitation.created_at),
        "failed_at": None,
        "failed_reason": None,
        "inviter": core.render.account(invitation.inviter),
        "team_count": sum(invitation.login.lower() in t.invitations for t in org.teams.values()),
        "invitation_teams_url": f"{core.render.urls.api}/organizations/{org.id}/invitations/"
        f"{invitation.id}/teams",
        "invitation_source": "member",
    }


def invitation_json(core: Core, org: str, invitation: Invitation) -> dict[str, Any]:
    """An ``organization-invitation`` (``GET .../teams/{slug}/invitations``)."""
    return _invitation_json(core, core.world.org(org), invitation)
