"""What a reconcile reads from GitHub: the team, its admins and notes teams, and the list files.

Every read is conditional (the client's ETag cache), so a reconcile with nothing to change
is answered with 304s and costs no primary rate limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from gidgethub import BadRequest

from app.features.orgconfig.reads import decode_content
from app.features.roster.rules import Member, Role, maintainers
from app.github.client import GitHubAPI
from app.github.teams import team_logins
from config import RosterConfig, WardenConfig

CONTENTS_URL = "/repos/{owner}/{repo}/contents/{+path}{?ref}"


@dataclass(frozen=True)
class TeamSnapshot:
    """The canonical team as GitHub lists it now."""

    members: tuple[Member, ...]
    admins: frozenset[str]
    notes: Mapping[str, tuple[str, ...]]
    """Note (``Release Manager``) -> logins of the notes team's members."""
    pending: tuple[str, ...]
    """Logins invited to the team who have not accepted yet."""
    renamed: Mapping[str, str] = field(default_factory=dict)
    """Old login (lower case) -> new login, for members who renamed their account."""
    listed: frozenset[str] | None = None
    """Logins the public list held as members at the last reconcile (Warden's record)."""

    @property
    def logins(self) -> frozenset[str]:
        return frozenset(m.login.lower() for m in self.members)


@dataclass(frozen=True)
class ListFile:
    """One list file on a branch: its text (empty when absent) and blob sha (None when absent)."""

    path: str
    text: str
    sha: str | None


@dataclass(frozen=True)
class ListFiles:
    """The public and emeritus lists as a branch of the roster repository holds them."""

    repo: str
    branch: str
    public: ListFile
    emeritus: ListFile


async def read_members(gh: GitHubAPI, org: str, team: str) -> tuple[Member, ...]:
    """The team's active members with their role and user id (pending invitees are not
    members)."""
    url = "/orgs/{org}/teams/{team_slug}/members{?role,per_page}"  # as `team_logins` asks
    variables: dict[str, str | int] = {
        "org": org,
        "team_slug": team,
        "role": "all",
        "per_page": 100,
    }
    everyone = {str(m["login"]): m.get("id") async for m in gh.getiter(url, variables)}
    leads = set(await team_logins(gh, org, team, role="maintainer"))
    role: dict[bool, Role] = {True: "maintainer", False: "member"}
    return tuple(
        Member(login, role[login in leads], None if uid is None else int(uid))
        for login, uid in everyone.items()
    )


async def read_pending(gh: GitHubAPI, org: str, team: str) -> tuple[str, ...]:
    """Logins with a pending invitation to the team."""
    url = "/orgs/{org}/teams/{team_slug}/invitations{?per_page}"
    variables: dict[str, str | int] = {"org": org, "team_slug": team, "per_page": 100}
    return tuple([str(i["login"]) async for i in gh.getiter(url, variables) if i.get("login")])


async def read_team(
    gh: GitHubAPI, org: str, config: WardenConfig, retired_notes: Iterable[str] = ()
) -> TeamSnapshot:
    """The configured team, its admins (maintainers or the admins team) and the notes teams.

    ``retired_notes`` (notes an older config gave) are held by nobody, so they are dropped.
    """
    members = await read_members(gh, org, config.team)
    if config.admins_are_maintainers:
        admins = frozenset(login.lower() for login in maintainers(members))
    else:
        admins = frozenset(login.lower() for login in await team_logins(gh, org, config.admins))
    notes: dict[str, tuple[str, ...]] = {note: () for note in retired_notes}
    for slug, note in config.notes.items():
        notes[note] = notes.get(note, ()) + tuple(await team_logins(gh, org, slug))
    pending = await read_pending(gh, org, config.team)
    return TeamSnapshot(members, admins, notes, pending)


async def read_file(gh: GitHubAPI, org: str, repo: str, path: str, ref: str) -> ListFile:
    """A list file at ``ref``; an absent file reads as empty."""
    variables = {"owner": org, "repo": repo, "path": path, "ref": ref}
    try:
        item: Any = await gh.getitem(CONTENTS_URL, variables)
    except BadRequest as exc:
        if exc.status_code == 404:
            return ListFile(path, "", None)
        raise
    return ListFile(path, decode_content(item), str(item["sha"]))


async def default_branch(gh: GitHubAPI, org: str, repo: str) -> str:
    data = await gh.getitem("/repos/{owner}/{repo}", {"owner": org, "repo": repo})
    return str(data["default_branch"])


async def read_lists(
    gh: GitHubAPI, org: str, config: WardenConfig, ref: str | None = None
) -> ListFiles:
    """Both list files, on the default branch unless ``ref`` names another."""
    repo = config.roster.repo
    assert repo is not None, "the roster has no repository configured"
    branch = ref or await default_branch(gh, org, repo)
    public = await read_file(gh, org, repo, config.roster.path, branch)
    emeritus = await read_file(gh, org, repo, config.roster.emeritus_path, branch)
    return ListFiles(repo, branch, public, emeritus)


async def seed_moved(
    gh: GitHubAPI, org: str, lists: ListFiles, roster: RosterConfig, before: RosterConfig
) -> ListFiles:
    """Lists that a config change moved (another path or repository) and that do not exist
    yet start from the old files, so names, notes and emeritus rows are kept. The old files
    are left where they are."""
    if before.repo is None or before.format != roster.format:
        return lists
    olds = ((lists.public, before.path), (lists.emeritus, before.emeritus_path))
    if all((before.repo, old) == (lists.repo, file.path) for file, old in olds):
        return lists
    branch = await default_branch(gh, org, before.repo)
    seeded = []
    for file, old in olds:
        if file.sha is None and (before.repo, old) != (lists.repo, file.path):
            file = ListFile(
                file.path, (await read_file(gh, org, before.repo, old, branch)).text, None
            )
        seeded.append(file)
    return replace(lists, public=seeded[0], emeritus=seeded[1])


async def display_names(gh: GitHubAPI, logins: tuple[str, ...]) -> dict[str, str]:
    """Profile names of new members (those without one are listed by login)."""
    names = {}
    for login in logins:
        try:
            user = await gh.getitem("/users/{username}", {"username": login})
        except BadRequest as exc:
            if exc.status_code == 404:
                continue
            raise
        if user.get("name"):
            names[login] = str(user["name"])
    return names
