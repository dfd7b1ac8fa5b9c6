"""Issues Warden keeps one of (config error, roster alerts): found again by label and marker."""

from __future__ import annotations

import logging
from typing import Any

from gidgethub import BadRequest
from gidgethub.abc import GitHubAPI

from app.github import authorship, labels

log = logging.getLogger(__name__)

ISSUES_URL = "/repos/{owner}/{repo}/issues"
ISSUE_URL = "/repos/{owner}/{repo}/issues/{issue_number}"


async def find(
    gh: GitHubAPI, org: str, repo: str, label: str, marker: str
) -> dict[str, Any] | None:
    """Warden's open issue labelled ``label`` whose body carries ``marker``, if there is one
    (an issue someone else wrote with the same label and marker is not Warden's).

    A repository that is missing or has issues turned off (404, 410) has none."""
    url = ISSUES_URL + "{?state,labels,per_page}"
    variables: dict[str, str | int] = {
        "owner": org,
        "repo": repo,
        "state": "open",
        "labels": label,
        "per_page": 100,
    }
    try:
        async for issue in authorship.own_items(gh, url, variables):
            if marker in (issue.get("body") or "") and "pull_request" not in issue:
                return dict(issue)
    except BadRequest as exc:
        if exc.status_code not in (404, 410):
            raise
    return None


async def upsert(
    gh: GitHubAPI,
    org: str,
    repo: str,
    *,
    label: str,
    marker: str,
    title: str,
    body: str,
    digest: str | None = None,
) -> int:
    """Open the issue, or edit the open one when its body changed; return its number.

    ``digest``, a line of ``body``, stands for the whole body in that comparison
    (the body may hold text that changes without meaning a change)."""
    current = await find(gh, org, repo, label, marker)
    if current is None:
        await labels.ensure_label(gh, org, repo, label)
        data = {"title": title, "body": body, "labels": [label]}
        created = await gh.post(ISSUES_URL, {"owner": org, "repo": repo}, data=data)
        log.info("opened %s/%s#%s: %s", org, repo, created["number"], title)
        return int(created["number"])
    number = int(current["number"])
    now = current.get("body") or ""
    if (digest not in now) if digest is not None else (now != body):
        await gh.patch(ISSUE_URL, where(org, repo, number), data={"body": body})
        log.info("updated %s/%s#%s: %s", org, repo, number, title)
    return number


async def close(gh: GitHubAPI, org: str, repo: str, number: int, comment: str) -> None:
    """Close the issue as completed, with a comment saying why."""
    variables = where(org, repo, number)
    await gh.post(ISSUE_URL + "/comments", variables, data={"body": comment})
    await gh.patch(ISSUE_URL, variables, data={"state": "closed", "state_reason": "completed"})
    log.info("closed %s/%s#%s", org, repo, number)


def where(org: str, repo: str, number: int) -> dict[str, Any]:
    return {"owner": org, "repo": repo, "issue_number": number}
