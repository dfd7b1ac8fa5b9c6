"""The sandbox's world: plain dataclasses for users, orgs, repos, issues and advisories."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sandbox.errors import Gone, NotFound

UserType = Literal["User", "Bot"]
TeamRole = Literal["member", "maintainer"]


@dataclass
class User:
    """A GitHub account that is a person or a bot (organisations are ``Org``)."""

    id: int
    login: str
    type: UserType = "User"
    name: str | None = None
    created_at: datetime | None = None


@dataclass
class Invitation:
    """A pending invitation to an org, made by adding a non-member to a team."""

    id: int
    login: str
    role: TeamRole
    created_at: datetime
    inviter: str


@dataclass
class Team:
    """A team of an org: its members (login -> role) and pending invitations."""

    id: int
    org: str
    slug: str
    name: str
    description: str | None = None
    members: dict[str, TeamRole] = field(default_factory=dict)
    invitations: dict[str, Invitation] = field(default_factory=dict)


@dataclass
class Org:
    """An organisation: its members (by lower-case login) and teams (by slug)."""

    id: int
    login: str
    members: dict[str, str] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    created_at: datetime | None = None


@dataclass
class Commit:
    """A commit: the whole tree (path -> text) after it, so diffs are trivial."""

    sha: str
    tree: dict[str, str]
    parent: str | None
    message: str
    author: str
    timestamp: datetime


@dataclass
class Label:
    """A repository label."""

    id: int
    name: str
    color: str = "ededed"
    description: str | None = None


@dataclass
class Reaction:
    """A reaction on an issue or a comment."""

    id: int
    user: str
    content: str
    created_at: datetime


@dataclass
class Comment:
    """An issue comment."""

    id: int
    repo: str
    issue_number: int
    user: str
    body: str
    created_at: datetime
    updated_at: datetime
    reactions: list[Reaction] = field(default_factory=list)


@dataclass
class Issue:
    """An issue (pull requests are issues too, with ``is_pull``)."""

    id: int
    number: int
    title: str
    body: str | None
    user: str
    created_at: datetime
    updated_at: datetime
    state: Literal["open", "closed"] = "open"
    state_reason: str | None = None
    closed_at: datetime | None = None
    labels: list[str] = field(default_factory=list)
    comments: list[int] = field(default_factory=list)
    reactions: list[Reaction] = field(default_factory=list)
    is_pull: bool = False


@dataclass
class Review:
    """A pull request review."""

    id: int
    user: str
    state: str
    body: str
    commit_id: str
    submitted_at: datetime


@dataclass
class PullRequest:
    """A pull request from ``head`` (a branch of this repo) into ``base``."""

    number: int
    id: int
    head: str
    base: str
    head_sha: str
    base_sha: str
    reviews: list[Review] = field(default_factory=list)
    merged_by: str | None = None
    merged_at: datetime | None = None
    merge_commit_sha: str | None = None


@dataclass
class CheckRun:
    """A check run created by the app."""

    id: int
    name: str
    head_sha: str
    status: str
    conclusion: str | None
    started_at: datetime
    completed_at: datetime | None = None
    output: dict[str, object] = field(default_factory=dict)


@dataclass
class Advisory:
    """A repository security advisory (triage, draft, published or closed)."""

    ghsa_id: str
    summary: str
    description: str
    severity: str | None
    author: str
    created_at: datetime
    updated_at: datetime
    state: str = "triage"
    published_at: datetime | None = None
    closed_at: datetime | None = None
    credits: list[tuple[str, str]] = field(default_factory=list)
    collaborating_users: list[str] = field(default_factory=list)
    collaborating_teams: list[str] = field(default_factory=list)
    private_fork: str | None = None
    cve_id: str | None = None
    cve_requested: bool = False
    cwe_ids: list[str] = field(default_factory=list)
    vulnerabilities: list[dict[str, object]] = field(default_factory=list)
    cvss_vector_string: str | None = None


@dataclass
class Repo:
    """A repository: git data (commits, branches), issues, labels, advisories."""

    id: int
    owner: str
    name: str
    private: bool
    default_branch: str
    created_at: datetime
    commits: dict[str, Commit] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    issues: dict[int, Issue] = field(default_factory=dict)
    pulls: dict[int, PullRequest] = field(default_factory=dict)
    labels: dict[str, Label] = field(default_factory=dict)
    advisories: dict[str, Advisory] = field(default_factory=dict)
    check_runs: dict[int, CheckRun] = field(default_factory=dict)
    fork_of_advisory: str | None = None
    deleted_issues: set[int] = field(default_factory=set)
    archived: bool = False

    @property
    def full_name(self) -> str:
        """``owner/name``."""
        return f"{self.owner}/{self.name}"

    def next_number(self) -> int:
        """The number the next issue or pull request gets (a deleted one's is never reused)."""
        return len(self.issues) + len(self.deleted_issues) + 1

    def tree(self, ref: str | None = None) -> dict[str, str]:
        """The files on a branch (default branch when ``ref`` is None) or at a commit sha."""
        ref = ref or self.default_branch
        sha = self.branches.get(ref, ref)
        if sha not in self.commits:
            raise NotFound(f"No commit found for the ref {ref}")
        return self.commits[sha].tree


@dataclass
class Installation:
    """An installation of the app on an account (org or user), all repositories."""

    id: int
    account: str
    account_type: Literal["Organization", "User"]
    created_at: datetime
    #: What the account's admin granted; ``None``: all the app asks for (``APP_PERMISSIONS``).
    permissions: dict[str, str] | None = None


@dataclass
class Registration:
    """An app registered from a manifest, waiting for its code to be exchanged (once)."""

    code: str
    manifest: dict[str, Any]
    owner: str  # the org or user it was registered on
    created_at: float
    converted: bool = False


@dataclass
class Token:
    """An installation access token."""

    value: str
    installation_id: int
    expires_at: float


@dataclass
class World:
    """Everything the sandbox knows. Keys of the dicts are lower-case logins / names."""

    users: dict[str, User] = field(default_factory=dict)
    orgs: dict[str, Org] = field(default_factory=dict)
    repos: dict[str, Repo] = field(default_factory=dict)
    installations: dict[int, Installation] = field(default_factory=dict)
    tokens: dict[str, Token] = field(default_factory=dict)
    registrations: dict[str, Registration] = field(default_factory=dict)
    comments: dict[int, Comment] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1001))

    def new_id(self) -> int:
        """A fresh id, unique across every kind of object."""
        return next(self._ids)

    def user(self, login: str) -> User:
        """The user ``login`` or 404."""
        try:
            return self.users[login.lower()]
        except KeyError:
            raise NotFound() from None

    def org(self, login: str) -> Org:
        """The organisation ``login`` or 404."""
        try:
            return self.orgs[login.lower()]
        except KeyError:
            raise NotFound() from None

    def team(self, org: str, slug: str) -> Team:
        """The team ``org/slug`` or 404."""
        try:
            return self.org(org).teams[slug.lower()]
        except KeyError:
            raise NotFound() from None

    def repo(self, owner: str, name: str) -> Repo:
        """The repository ``owner/name`` or 404."""
        try:
            return self.repos[f"{owner}/{name}".lower()]
        except KeyError:
            raise NotFound() from None

    def issue(self, repo: Repo, number: int | str) -> Issue:
        """Issue ``number`` of ``repo``; 410 once deleted, else 404."""
        try:
            return repo.issues[int(number)]
        except (KeyError, ValueError):
            if str(number).isdigit() and int(number) in repo.deleted_issues:
                raise Gone() from None
            raise NotFound() from None

    def comment(self, repo: Repo, comment_id: int | str) -> Comment:
        """Comment ``comment_id`` (it must belong to ``repo``) or 404."""
        found = self.comments.get(int(comment_id))
        if found is None or found.repo != repo.full_name.lower():
            raise NotFound()
        return found

    def advisory(self, repo: Repo, ghsa_id: str) -> Advisory:
        """Advisory ``ghsa_id`` of ``repo`` or 404."""
        try:
            return repo.advisories[ghsa_id.lower()]
        except KeyError:
            raise NotFound() from None

    def installation_for(self, account: str) -> Installation | None:
        """The app's installation on an account, if any."""
        return next(
            (i for i in self.installations.values() if i.account.lower() == account.lower()), None
        )
