"""One organisation as the advisory code sees it: its config, its client, its team (read once)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, cast

from gidgethub import BadRequest
from gidgethub.abc import GitHubAPI

from app.context import Context
from app.features.advisories.codeowners import CodeOwners, parse_codeowners
from app.features.orgconfig import current_config, reload_config
from app.features.orgconfig.reads import decode_content
from app.github.client import GitHubAPI as AppClient
from app.github.teams import team_logins
from app.org import Installation, Org
from config import WardenConfig

log = logging.getLogger(__name__)

REPO_URL = "/repos/{owner}/{repo}"
ADVISORY_URL = "/repos/{owner}/{repo}/security-advisories/{ghsa_id}"
CODEOWNERS_PATHS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")


@dataclass
class Scope:
    """Everything one pass over an organisation's advisories shares; team reads are cached."""

    org: Org
    governance_private: bool
    _teams: dict[str, list[str]] = field(default_factory=dict)
    _codeowners: dict[str, CodeOwners | None] = field(default_factory=dict)
    _repos: dict[str, dict[str, Any]] = field(default_factory=dict)
    fork_pulls: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    """Private fork -> its pull requests, listed at most once a pass (app/.../fork.py)."""
    tracked: dict[str, int] | None = None
    """GHSA id -> tracking issue number as the governance repository shows them, listed at
    most once a pass (app/advisories/tracking.py)."""

    @property
    def ctx(self) -> Context:
        return self.org.ctx

    @property
    def gh(self) -> GitHubAPI:
        return self.org.gh

    @property
    def config(self) -> WardenConfig:
        return self.org.config

    @property
    def now(self) -> float:
        return self.ctx.clock.time()

    @property
    def tracking(self) -> bool:
        """Whether tracking issues are written (configured, and the repository is private)."""
        return self.config.advisories.tracking_issues and self.governance_private

    async def team(self, slug: str) -> list[str]:
        """Active members of ``slug`` (none when the team does not exist)."""
        if slug not in self._teams:
            try:
                self._teams[slug] = await team_logins(as_app_client(self.gh), self.org.login, slug)
            except BadRequest as exc:
                if exc.status_code != 404:
                    raise
                self._teams[slug] = []
        return self._teams[slug]

    async def is_member(self, login: str) -> bool:
        """Whether ``login`` is in the canonical team (as GitHub says)."""
        return login.lower() in {m.lower() for m in await self.team(self.config.team)}

    async def excluded(self) -> set[str]:
        """Members never assigned automatically (``coordinator.exclude_teams``)."""
        out: set[str] = set()
        for slug in self.config.advisories.coordinator.exclude_teams:
            out |= {m.lower() for m in await self.team(slug)}
        return out

    async def codeowners(self, repo: str) -> CodeOwners | None:
        """The repository's CODEOWNERS (first of GitHub's three places), parsed once per pass."""
        if repo not in self._codeowners:
            self._codeowners[repo] = await _read_codeowners(self.gh, self.org.login, repo)
        return self._codeowners[repo]

    async def repo_private(self, repo: str) -> bool:
        """Whether ``repo`` is private (a CVE from GitHub's CNA needs a public one)."""
        return bool((await self._repo(repo)).get("private"))

    async def repo_archived(self, repo: str) -> bool:
        """Whether ``repo`` is archived (read-only: its advisories cannot be changed)."""
        return bool((await self._repo(repo)).get("archived"))

    async def _repo(self, repo: str) -> dict[str, Any]:
        """The repository as GitHub has it, read once per pass (it may change between)."""
        if repo not in self._repos:
            self._repos[repo] = await self.gh.getitem(
                REPO_URL, {"owner": self.org.login, "repo": repo}
            )
        return self._repos[repo]

    def handles(self, repo: str) -> bool:
        """Whether ``advisories.repos`` covers ``repo``."""
        repos = self.config.advisories.repos
        return repos == "all" or repo.lower() in {r.lower() for r in repos}

    def advisory_vars(self, repo: str, ghsa_id: str) -> dict[str, Any]:
        return {"owner": self.org.login, "repo": repo, "ghsa_id": ghsa_id}


def as_app_client(gh: GitHubAPI) -> AppClient:
    """app/teams.py is typed for Warden's own client; the handlers get a plain gidgethub one
    (in production the same object)."""
    return cast(AppClient, gh)


async def _read_codeowners(gh: GitHubAPI, org: str, repo: str) -> CodeOwners | None:
    for path in CODEOWNERS_PATHS:
        try:
            item = await gh.getitem(
                "/repos/{owner}/{repo}/contents/{path}", {"owner": org, "repo": repo, "path": path}
            )
        except BadRequest as exc:
            if exc.status_code == 404:
                continue
            raise
        return parse_codeowners(decode_content(item))
    return None


async def open_scope(org: Installation) -> Scope | None:
    """The scope of an organisation, or None when Warden is not set up there."""
    config = await current_config(org)
    if config is None:
        return None
    private = await governance_is_private(org.gh, org.login, config.governance_repo)
    if not private:
        log.error(
            "%s/%s is not a private repository: no advisory tracking issues are written; "
            "make it private (the config error issue in %s/.github says the same)",
            org.login,
            config.governance_repo,
            org.login,
        )
        await reload_config(org)  # raises the config error issue
    return Scope(org.configured(config), private)


async def governance_is_private(gh: GitHubAPI, org: str, repo: str) -> bool:
    """Whether the governance repository exists and is private (asked each time: it may change)."""
    try:
        data = await gh.getitem(REPO_URL, {"owner": org, "repo": repo})
    except BadRequest as exc:
        if exc.status_code == 404:
            return False
        raise
    return bool(data.get("private"))
