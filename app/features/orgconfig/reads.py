"""What the org config needs from GitHub: the file on the default branch, teams and repositories."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any

from gidgethub import BadRequest
from gidgethub.abc import GitHubAPI

from config import ConfigIssue, OrgFacts, WardenConfig, check_against_org
from config.org import repo_references, team_references

CONFIG_REPO = ".github"
"""The organisation's `.github` repository holds the config."""
CONFIG_PATH = ".github/warden.yml"
"""The config's path inside that repository."""

# `{+path}` keeps the slashes of the path as they are (reserved expansion).
CONTENTS_URL = "/repos/{owner}/{repo}/contents/{+path}{?ref}"


@dataclass(frozen=True)
class ConfigFile:
    """The config file as the default branch of `.github` holds it."""

    text: str
    sha: str
    """The blob sha of the file (changes exactly when its text changes)."""
    branch: str
    repo_url: str
    """The `.github` repository's web address, for links to the file."""

    def blob_url(self, ref: str | None = None) -> str:
        """The file's web address at `ref` (a commit sha), else on the default branch."""
        return f"{self.repo_url}/blob/{ref or self.branch}/{CONFIG_PATH}"


def is_not_found(exc: BadRequest) -> bool:
    return exc.status_code == 404


async def read_config_file(gh: GitHubAPI, org: str) -> ConfigFile | None:
    """The file on the default branch of `{org}/.github`; None when the repo or file is missing.

    Both reads are conditional (the client's ETag cache): an unchanged file costs a 304.
    """
    try:
        repo = await gh.getitem("/repos/{owner}/{repo}", {"owner": org, "repo": CONFIG_REPO})
    except BadRequest as exc:
        if is_not_found(exc):
            return None
        raise
    branch = str(repo["default_branch"])
    found = await read_file(gh, org, CONFIG_REPO, branch)
    if found is None:
        return None
    text, sha = found
    return ConfigFile(text, sha, branch, str(repo["html_url"]))


async def read_file(gh: GitHubAPI, owner: str, repo: str, ref: str) -> tuple[str, str] | None:
    """(text, blob sha) of the config path at `ref` in `owner/repo`; None when it is absent."""
    variables = {"owner": owner, "repo": repo, "path": CONFIG_PATH, "ref": ref}
    try:
        item: Any = await gh.getitem(CONTENTS_URL, variables)
    except BadRequest as exc:
        if is_not_found(exc):
            return None
        raise
    if not isinstance(item, dict) or item.get("type") != "file":
        return None  # a directory where the file should be
    return decode_content(item), str(item["sha"])


def decode_content(item: dict[str, Any]) -> str:
    """The text of a contents answer (base64, wrapped at 60 columns by GitHub)."""
    try:
        return base64.b64decode(str(item.get("content", ""))).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return "\ufffd"  # not text: the YAML reader reports it as a syntax problem


async def org_facts(gh: GitHubAPI, org: str, config: WardenConfig) -> OrgFacts:
    """Which of the teams and repositories the config names exist (and which repos are private)."""
    teams: set[str] = set()
    for slug in {slug.lower() for _, slug in team_references(config, org)}:
        if await _exists(gh, "/orgs/{org}/teams/{team_slug}", {"org": org, "team_slug": slug}):
            teams.add(slug)
    repos: dict[str, bool] = {}
    for name in {name.lower() for _, name in repo_references(config)}:
        repo = await _get_or_none(gh, "/repos/{owner}/{repo}", {"owner": org, "repo": name})
        if repo is not None:
            repos[name] = bool(repo["private"])
    return OrgFacts(frozenset(teams), repos, org)


async def _exists(gh: GitHubAPI, url: str, variables: dict[str, str]) -> bool:
    return await _get_or_none(gh, url, variables) is not None


async def _get_or_none(gh: GitHubAPI, url: str, variables: dict[str, str]) -> Any:
    try:
        return await gh.getitem(url, variables)
    except BadRequest as exc:
        if is_not_found(exc):
            return None
        raise


async def org_issues(gh: GitHubAPI, org: str, config: WardenConfig) -> list[ConfigIssue]:
    """The problems only GitHub can reveal: missing teams or repos, a public governance repo."""
    return check_against_org(config, await org_facts(gh, org, config))
