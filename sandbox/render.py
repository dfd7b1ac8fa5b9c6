"""JSON views of accounts, teams, repositories and installations, shaped like GitHub's."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sandbox.state import Installation, Org, Repo, Team, User, World

REPO_URL_FIELDS = (
    "archive_url:/{archive_format}{/ref}",
    "assignees_url:/assignees{/user}",
    "blobs_url:/git/blobs{/sha}",
    "branches_url:/branches{/branch}",
    "collaborators_url:/collaborators{/collaborator}",
    "comments_url:/comments{/number}",
    "commits_url:/commits{/sha}",
    "compare_url:/compare/{base}...{head}",
    "contents_url:/contents/{+path}",
    "contributors_url:/contributors",
    "deployments_url:/deployments",
    "downloads_url:/downloads",
    "events_url:/events",
    "forks_url:/forks",
    "git_commits_url:/git/commits{/sha}",
    "git_refs_url:/git/refs{/sha}",
    "git_tags_url:/git/tags{/sha}",
    "hooks_url:/hooks",
    "issue_comment_url:/issues/comments{/number}",
    "issue_events_url:/issues/events{/number}",
    "issues_url:/issues{/number}",
    "keys_url:/keys{/key_id}",
    "labels_url:/labels{/name}",
    "languages_url:/languages",
    "merges_url:/merges",
    "milestones_url:/milestones{/number}",
    "notifications_url:/notifications{?since,all,participating}",
    "pulls_url:/pulls{/number}",
    "releases_url:/releases{/id}",
    "stargazers_url:/stargazers",
    "statuses_url:/statuses/{sha}",
    "subscribers_url:/subscribers",
    "subscription_url:/subscription",
    "tags_url:/tags",
    "teams_url:/teams",
    "trees_url:/git/trees{/sha}",
)


def iso(moment: datetime | None) -> str | None:
    """GitHub's timestamp format: ``2024-05-01T12:00:00Z``."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def node_id(kind: str, number: int) -> str:
    """An opaque GraphQL-style node id."""
    return base64.b64encode(f"0:{kind}{number}".encode()).decode().rstrip("=")


@dataclass(frozen=True)
class Urls:
    """Where the sandbox's REST API and (pretend) web pages live."""

    api: str
    web: str = "https://github.com"


class Renderer:
    """Turns state objects into the JSON GitHub returns (and puts in webhook payloads)."""

    def __init__(self, world: World, urls: Urls) -> None:
        self.world = world
        self.urls = urls

    def account(self, login: str) -> dict[str, Any]:
        """A ``simple-user`` for a user, bot or organisation login."""
        found: User | Org | None = self.world.users.get(login.lower())
        found = found or self.world.orgs.get(login.lower())
        if found is None:
            raise KeyError(login)
        kind = found.type if isinstance(found, User) else "Organization"
        api, key = self.urls.api, found.login
        base = f"{api}/users/{key}"
        return {
            "login": key,
            "id": found.id,
            "node_id": node_id("U", found.id),
            "avatar_url": f"https://avatars.githubusercontent.com/u/{found.id}?v=4",
            "gravatar_id": "",
            "url": base,
            "html_url": f"{self.urls.web}/{key}",
            "followers_url": f"{base}/followers",
            "following_url": f"{base}/following{{/other_user}}",
            "gists_url": f"{base}/gists{{/gist_id}}",
            "starred_url": f"{base}/starred{{/owner}}{{/repo}}",
            "subscriptions_url": f"{base}/subscriptions",
            "organizations_url": f"{base}/orgs",
            "repos_url": f"{base}/repos",
            "events_url": f"{base}/events{{/privacy}}",
            "received_events_url": f"{base}/received_events",
            "type": kind,
            "user_view_type": "public",
            "site_admin": False,
        }

    def user_full(self, user: User) -> dict[str, Any]:
        """``GET /users/{username}``: the simple user plus profile fields."""
        return {
            **self.account(user.login),
            "name": user.name,
            "company": None,
            "blog": "",
            "location": None,
            "email": None,
            "hireable": None,
            "bio": None,
            "twitter_username": None,
            "public_repos": 0,
            "public_gists": 0,
            "followers": 0,
            "following": 0,
            "created_at": iso(user.created_at),
            "updated_at": iso(user.created_at),
        }

    def org(self, org: Org) -> dict[str, Any]:
        """An organisation, as in webhook payloads and ``GET /orgs/{org}``."""
        base = f"{self.urls.api}/orgs/{org.login}"
        return {
            "login": org.login,
            "id": org.id,
            "node_id": node_id("O", org.id),
            "url": base,
            "repos_url": f"{base}/repos",
            "events_url": f"{base}/events",
            "hooks_url": f"{base}/hooks",
            "issues_url": f"{base}/issues",
            "members_url": f"{base}/members{{/member}}",
            "public_members_url": f"{base}/public_members{{/member}}",
            "avatar_url": f"https://avatars.githubusercontent.com/u/{org.id}?v=4",
            "description": None,
        }

    def org_full(self, org: Org) -> dict[str, Any]:
        """``GET /orgs/{org}``."""
        public = sum(
            1
            for r in self.world.repos.values()
            if r.owner.lower() == org.login.lower() and not r.private
        )
        return {
            **self.org(org),
            "html_url": f"{self.urls.web}/{org.login}",
            "name": org.login,
            "has_organization_projects": True,
            "has_repository_projects": True,
            "public_repos": public,
            "public_gists": 0,
            "followers": 0,
            "following": 0,
            "type": "Organization",
            "created_at": iso(org.created_at),
            "updated_at": iso(org.created_at),
            "archived_at": None,
        }

    def repo(self, repo: Repo) -> dict[str, Any]:
        """A full repository (``GET /repos/{owner}/{repo}`` and webhook payloads)."""
        url = f"{self.urls.api}/repos/{repo.full_name}"
        html = f"{self.urls.web}/{repo.full_name}"
        urls = {
            name: url + suffix
            for name, suffix in (field.split(":", 1) for field in REPO_URL_FIELDS)
        }
        open_issues = sum(1 for i in repo.issues.values() if i.state == "open")
        pushed = max((c.timestamp for c in repo.commits.values()), default=repo.created_at)
        return {
            "id": repo.id,
            "node_id": node_id("R", repo.id),
            "name": repo.name,
            "full_name": repo.full_name,
            "private": repo.private,
            "owner": self.account(repo.owner),
            "html_url": html,
            "description": None,
            "fork": False,
            "url": url,
            **urls,
            "git_url": f"git://github.com/{repo.full_name}.git",
            "ssh_url": f"git@github.com:{repo.full_name}.git",
            "clone_url": f"{html}.git",
            "svn_url": html,
            "homepage": None,
            "size": 0,
            "stargazers_count": 0,
            "watchers_count": 0,
            "language": None,
            "has_issues": True,
            "has_projects": True,
            "has_downloads": True,
            "has_wiki": True,
            "has_pages": False,
            "has_discussions": False,
            "forks_count": 0,
            "mirror_url": None,
            "archived": repo.archived,
            "disabled": False,
            "open_issues_count": open_issues,
            "license": None,
            "allow_forking": True,
            "is_template": False,
            "web_commit_signoff_required": False,
            "topics": [],
            "visibility": "private" if repo.private else "public",
            "forks": 0,
            "open_issues": open_issues,
            "watchers": 0,
            "default_branch": repo.default_branch,
            "created_at": iso(repo.created_at),
            "updated_at": iso(pushed),
            "pushed_at": iso(pushed),
            "network_count": 0,
            "subscribers_count": 0,
        }

    def team(self, team: Team) -> dict[str, Any]:
        """A team as listed (``team`` / ``team-simple``)."""
        org = self.world.org(team.org)
        url = f"{self.urls.api}/organizations/{org.id}/team/{team.id}"
        return {
            "id": team.id,
            "node_id": node_id("T", team.id),
            "url": url,
            "html_url": f"{self.urls.web}/orgs/{org.login}/teams/{team.slug}",
            "name": team.name,
            "slug": team.slug,
            "description": team.description,
            "privacy": "closed",
            "notification_setting": "notifications_enabled",
            "permission": "pull",
            "members_url": f"{url}/members{{/member}}",
            "repositories_url": f"{url}/repos",
            "parent": None,
            "type": "organization",
            "organization_id": org.id,
        }

    def team_full(self, team: Team) -> dict[str, Any]:
        """``GET /orgs/{org}/teams/{team_slug}``."""
        created = iso(self.world.org(team.org).created_at)
        return {
            **self.team(team),
            "created_at": created,
            "updated_at": created,
            "members_count": len(team.members),
            "repos_count": 0,
            "organization": self.org_full(self.world.org(team.org)),
        }

    def installation(self, inst: Installation, app_id: int, app_slug: str) -> dict[str, Any]:
        """An installation of the app (``GET /app/installations``)."""
        account = self.world.orgs.get(inst.account.lower()) or self.world.user(inst.account)
        return {
            "id": inst.id,
            "app_id": app_id,
            "app_slug": app_slug,
            "client_id": f"Iv1.{app_id}",
            "target_id": account.id,
            "target_type": inst.account_type,
            "account": self.account(inst.account),
            "repository_selection": "all",
            "access_tokens_url": f"{self.urls.api}/app/installations/{inst.id}/access_tokens",
            "repositories_url": f"{self.urls.api}/installation/repositories",
            "html_url": f"{self.urls.web}/settings/installations/{inst.id}",
            "permissions": dict(inst.permissions or APP_PERMISSIONS),
            "events": list(APP_EVENTS),
            "single_file_name": None,
            "has_multiple_single_files": False,
            "single_file_paths": [],
            "created_at": iso(inst.created_at),
            "updated_at": iso(inst.created_at),
            "suspended_by": None,
            "suspended_at": None,
        }


APP_PERMISSIONS = {
    "issues": "write",
    "contents": "write",
    "members": "write",
    "metadata": "read",
    "repository_advisories": "write",
    "pull_requests": "write",
    "checks": "write",
}
APP_EVENTS = (
    "issues",
    "issue_comment",
    "membership",
    "organization",
    "team",
    "push",
    "pull_request",
    "repository_advisory",
)
