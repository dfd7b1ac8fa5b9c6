"""What counts as a member's activity, read from GitHub (and the audit log for votes).

PEP 811 counts coordinating or commenting on a vulnerability report: a ``coordinator``
credit on one of the organisation's repository advisories, and comments on the advisory
tracking issues. ``inactivity.count`` may add comments on nomination and removal issues,
and votes cast (from Warden's audit log: reactions send no webhook and are not dated).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from gidgethub import BadRequest

from app.features.offboarding import records
from app.features.offboarding.rules import Activity
from app.github import labels
from app.github.client import GitHubAPI
from app.org import Org

log = logging.getLogger(__name__)

ORG_ADVISORIES_URL = "/orgs/{org}/security-advisories{?per_page}"
ISSUES_URL = "/repos/{owner}/{repo}/issues{?state,labels,per_page}"
REPO_COMMENTS_URL = "/repos/{owner}/{repo}/issues/comments{?since,per_page}"


def parse_time(text: str | None) -> datetime | None:
    return None if not text else datetime.fromisoformat(text.replace("Z", "+00:00"))


def _coordinators(advisory: dict[str, Any]) -> list[str]:
    credits = advisory.get("credits_detailed") or []
    return [
        str(c["user"]["login"])
        for c in credits
        if c.get("type") == "coordinator" and (c.get("user") or {}).get("login")
    ]


def _advisory_time(advisory: dict[str, Any]) -> datetime | None:
    """When a coordinator last worked on it: when it was finished, else its last update."""
    for key in ("closed_at", "published_at", "withdrawn_at", "updated_at", "created_at"):
        found = parse_time(advisory.get(key))
        if found is not None:
            return found
    return None


async def coordinator_credits(gh: GitHubAPI, org: str) -> list[Activity]:
    """Coordinator credits on all the org's advisories, older ones too (the listing has them
    all anyway): a review shows an inactive member's last one (none without the API)."""
    found = []
    try:
        async for adv in gh.getiter(ORG_ADVISORIES_URL, {"org": org, "per_page": 100}):
            at = _advisory_time(adv)
            if at is None:
                continue
            what = f"coordinator of {adv.get('ghsa_id')}"
            for login in _coordinators(adv):
                found.append(Activity(login, at, what, str(adv.get("html_url", ""))))
    except BadRequest as exc:
        if exc.status_code != 404:  # GHES: no repository advisories API
            raise
        log.info("%s: no repository advisories API; coordinator credits not counted", org)
    return found


async def labelled(gh: GitHubAPI, org: str, repo: str, label: str) -> set[int]:
    """The numbers of the issues labelled ``label``, open or closed."""
    query: dict[str, str | int] = {"owner": org, "repo": repo, "state": "all", "labels": label}
    query["per_page"] = 100
    return {
        int(issue["number"])
        async for issue in gh.getiter(ISSUES_URL, query)
        if "pull_request" not in issue
    }


async def comments_since(gh: GitHubAPI, org: str, repo: str, since: datetime) -> list[Activity]:
    """Every comment on the repository's issues since ``since``, in one listing (GitHub's
    ``since`` keeps the comments updated since; those written before are dropped here)."""
    found = []
    query: dict[str, str | int] = {"owner": org, "repo": repo, "since": since.isoformat()}
    query["per_page"] = 100
    async for comment in gh.getiter(REPO_COMMENTS_URL, query):
        at = parse_time(comment.get("created_at"))
        login = (comment.get("user") or {}).get("login")
        if at is None or at < since or not login:
            continue
        number = str(comment.get("issue_url", "")).rpartition("/")[2]
        found.append(Activity(login, at, f"comment on #{number}", str(comment["html_url"])))
    return found


def on_issues(comments: list[Activity], numbers: set[int]) -> list[Activity]:
    """The comments made on the issues ``numbers``."""
    return [c for c in comments if int(c.what.rpartition("#")[2] or 0) in numbers]


async def votes_cast(org: Org, base: str, since: datetime) -> list[Activity]:
    """Votes cast in votes that closed since ``since``, from the audit log."""
    found = []
    for vote in await records.votes_cast(org.ctx.store, org.id, since.timestamp()):
        at = datetime.fromtimestamp(vote["at"], UTC)
        number = str(vote["subject"]).rpartition("#")[2]
        link = f"{base}/issues/{number}"
        found += [Activity(login, at, f"vote in #{number}", link) for login in vote["voters"]]
    return found


async def gather(org: Org, since: datetime) -> list[Activity]:
    """Every counted activity since ``since`` (and older coordinator credits)."""
    kinds = set(org.config.inactivity.count)
    gh, repo = org.gh, org.config.governance_repo
    found: list[Activity] = []
    wanted = {labels.ADVISORY} if "advisories" in kinds else set()
    wanted |= {labels.NOMINATION, labels.REMOVAL} if "nominations" in kinds else set()
    if "advisories" in kinds:
        found += await coordinator_credits(gh, org.login)
    if wanted:
        comments = await comments_since(gh, org.login, repo, since)
        numbers: set[int] = set()
        for label in sorted(wanted):
            numbers |= await labelled(gh, org.login, repo, label)
        found += on_issues(comments, numbers)
    if "votes" in kinds:
        base = f"{org.ctx.settings.web_url}/{org.login}/{repo}"
        found += await votes_cast(org, base, since)
    return found
